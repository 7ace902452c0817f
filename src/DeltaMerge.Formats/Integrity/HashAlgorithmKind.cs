namespace DeltaMerge.Formats.Integrity;

/// <summary>Digest algorithms that checksum files use: sha256sum files and Meta's md5 <c>checklist.chk</c>.</summary>
public enum HashAlgorithmKind
{
    /// <summary>SHA-256, 64 hex digits.</summary>
    Sha256,
    /// <summary>MD5, 32 hex digits (Meta's checklist.chk).</summary>
    Md5,
}
