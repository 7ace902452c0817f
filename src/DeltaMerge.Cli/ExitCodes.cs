namespace DeltaMerge.Cli;

/// <summary>Process exit codes (documented in README.md and docs/cli.md); scripts rely on them.</summary>
public static class ExitCodes
{
    /// <summary>Everything succeeded.</summary>
    public const int Success = 0;
    /// <summary>An unexpected internal error (a bug): please report it with the log.</summary>
    public const int InternalError = 1;
    /// <summary>Bad command line, or an existing output without --force.</summary>
    public const int Usage = 2;
    /// <summary>An input is malformed, unsupported, or the inputs cannot be combined.</summary>
    public const int InvalidInput = 3;
    /// <summary>A checksum did not match, or a file was not covered by the given checksum list.</summary>
    public const int ChecksumMismatch = 4;
    /// <summary>Reading or writing failed (disk full, permissions, missing file during I/O).</summary>
    public const int IOFailure = 5;
    /// <summary>The requested compute device is not available.</summary>
    public const int DeviceUnavailable = 6;
    /// <summary>Interrupted (Ctrl-C or SIGTERM); nothing was left behind.</summary>
    public const int Cancelled = 130;
}
