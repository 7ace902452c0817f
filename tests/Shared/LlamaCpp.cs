using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace DeltaMerge.Tests.Shared;

/// <summary>
/// Runs real llama.cpp (the prebuilt CPU binaries of the npm package node-llama-cpp) through
/// <c>scripts/llama-cpp/run.mjs</c>: one JSON request on stdin, one JSON result on stdout, llama.cpp's log on stderr.
/// Install with <c>npm ci --prefix scripts/llama-cpp</c>; see docs/llama-cpp-harness.md for the request and result.
/// </summary>
internal static class LlamaCpp
{
    /// <summary>How much of the end of stderr (llama.cpp's log) a failure message carries.</summary>
    public const int StderrTailChars = 4096;

    /// <summary>
    /// A hang guard, not a timing assertion: the tiny models run in a second; this only turns a stuck llama.cpp into a
    /// failure instead of a stuck test run, so it is far above any honest duration on a loaded machine.
    /// </summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(15);

    public static string HarnessDirectory => Path.Combine(RepoPaths.Root, "scripts", "llama-cpp");

    public static string Script => Path.Combine(HarnessDirectory, "run.mjs");

    private static readonly Lazy<string?> NodePath = new(FindNode);

    /// <summary>Why the harness cannot run here, or null when it can.</summary>
    public static string? UnavailableReason
    {
        get
        {
            if (NodePath.Value == null)
                return string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DELTAMERGE_NODE"))
                    ? "node is not on PATH (or set DELTAMERGE_NODE to its path)"
                    : "DELTAMERGE_NODE does not name an existing file: " + Environment.GetEnvironmentVariable("DELTAMERGE_NODE");
            if (!File.Exists(Path.Combine(HarnessDirectory, "node_modules", "node-llama-cpp", "package.json")))
                return $"node-llama-cpp is not installed; run: npm ci --prefix scripts/llama-cpp (in {RepoPaths.Root})";
            return null;
        }
    }

    /// <summary>node is present and <c>scripts/llama-cpp/node_modules</c> is installed.</summary>
    public static bool IsAvailable => UnavailableReason == null;

    /// <summary>True when running under CI (<c>CI=true</c>), where a missing llama.cpp is a failure, not a skip.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("CI") == "1";

    /// <summary>
    /// Call at the start of a test that needs llama.cpp: fails the test under CI when the harness is not installed,
    /// and marks it ignored (with the reason and the install command) elsewhere.
    /// </summary>
    public static void Require()
    {
        string? reason = UnavailableReason;
        if (reason == null) return;
        if (IsCi) Assert.Fail("llama.cpp harness required under CI=true but unavailable: " + reason);
        Assert.Ignore("llama.cpp harness unavailable (this fails under CI=true): " + reason);
    }

    /// <summary>Serializes <paramref name="request"/> (property names as written) and runs it.</summary>
    public static JsonDocument Run(object request, TimeSpan? timeout = null) =>
        RunJson(request as string ?? JsonSerializer.Serialize(request), timeout);

    /// <summary>
    /// Runs one request (JSON text). Returns the parsed result. Throws <see cref="LlamaCppException"/> when the
    /// harness exits non-zero (llama.cpp refused the file, or aborted: exit code 134), times out (the process tree is
    /// killed), or writes no JSON; its message holds the exit code, the harness's error and the end of llama.cpp's log.
    /// </summary>
    public static JsonDocument RunJson(string requestJson, TimeSpan? timeout = null)
    {
        string node = NodePath.Value ?? throw new LlamaCppException(-1, "node is not on PATH", "", "");
        TimeSpan limit = timeout ?? DefaultTimeout;

        var psi = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = RepoPaths.Root,
        };
        psi.ArgumentList.Add(Script);

        using var process = new Process { StartInfo = psi };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var stdoutDone = new ManualResetEventSlim();
        using var stderrDone = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null) stdoutDone.Set();
            else lock (stdout) stdout.Append(e.Data).Append('\n');
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) stderrDone.Set();
            else lock (stderr) stderr.Append(e.Data).Append('\n');
        };

        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Feed the request from another thread: a large request must not block us while the child writes.
            var feed = Task.Run(() =>
            {
                try
                {
                    process.StandardInput.Write(requestJson);
                    process.StandardInput.Close();
                }
                catch (IOException) { } // the child died early; its exit code and log tell why
            });

            if (!process.WaitForExit(limit))
            {
                KillTree(process);
                stdoutDone.Wait(TimeSpan.FromSeconds(5));
                stderrDone.Wait(TimeSpan.FromSeconds(5));
                throw new LlamaCppException(-1, $"timed out after {limit.TotalSeconds:0.#} s; the process tree was killed",
                    Snapshot(stdout), Snapshot(stderr));
            }
            process.WaitForExit(); // drains the asynchronous readers
            stdoutDone.Wait(TimeSpan.FromSeconds(10));
            stderrDone.Wait(TimeSpan.FromSeconds(10));
            feed.Wait(TimeSpan.FromSeconds(5));
        }
        catch (Exception) when (!process.HasExited)
        {
            KillTree(process);
            throw;
        }

        string outText = Snapshot(stdout);
        string errText = Snapshot(stderr);
        int code = process.ExitCode;
        if (code != 0)
            throw new LlamaCppException(code, HarnessError(outText) ?? "llama.cpp harness failed", outText, errText);

        try
        {
            return JsonDocument.Parse(outText);
        }
        catch (JsonException e)
        {
            throw new LlamaCppException(code, $"harness wrote no JSON result after {clock.Elapsed.TotalSeconds:0.#} s ({e.Message})", outText, errText);
        }
    }

    /// <summary>
    /// The logits of request <paramref name="index"/> of a result: one row (vocab_size floats) per requested position.
    /// Reads both encodings (JSON numbers, with "NaN"/"Infinity"/"-Infinity" strings, and "f32-base64").
    /// </summary>
    public static float[][] Logits(JsonDocument result, int index)
    {
        JsonElement rows = result.RootElement.GetProperty("logits")[index];
        var output = new float[rows.GetArrayLength()][];
        int r = 0;
        foreach (JsonElement row in rows.EnumerateArray())
        {
            if (row.ValueKind == JsonValueKind.String)
            {
                byte[] bytes = Convert.FromBase64String(row.GetString()!);
                var values = new float[bytes.Length / 4];
                Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("f32-base64 is little-endian");
                output[r++] = values;
            }
            else
            {
                var values = new float[row.GetArrayLength()];
                int i = 0;
                foreach (JsonElement v in row.EnumerateArray())
                    values[i++] = v.ValueKind == JsonValueKind.String
                        ? v.GetString() switch
                        {
                            "NaN" => float.NaN,
                            "Infinity" => float.PositiveInfinity,
                            "-Infinity" => float.NegativeInfinity,
                            var s => throw new FormatException("unexpected logit " + s),
                        }
                        : (float)v.GetDouble();
                output[r++] = values;
            }
        }
        return output;
    }

    /// <summary>The token ids of tokenize item <paramref name="index"/> of a result.</summary>
    public static int[] Tokens(JsonDocument result, int index) =>
        result.RootElement.GetProperty("tokenize")[index].EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static string? HarnessError(string stdout)
    {
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            return doc.RootElement.TryGetProperty("error", out JsonElement e) ? e.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Snapshot(StringBuilder sb)
    {
        lock (sb) return sb.ToString();
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { } // already gone
        catch (System.ComponentModel.Win32Exception) { }
    }

    private static string? FindNode()
    {
        string? overridePath = Environment.GetEnvironmentVariable("DELTAMERGE_NODE");
        if (!string.IsNullOrEmpty(overridePath)) return File.Exists(overridePath) ? overridePath : null;
        string[] names = OperatingSystem.IsWindows() ? ["node.exe", "node.cmd"] : ["node"];
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (string name in names)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}

/// <summary>The llama.cpp harness failed: non-zero exit (134 = llama.cpp aborted), timeout, or no result.</summary>
internal sealed class LlamaCppException : Exception
{
    public LlamaCppException(int exitCode, string error, string stdout, string stderr)
        : base(Compose(exitCode, error, stderr))
    {
        ExitCode = exitCode;
        Error = error;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The harness's exit code; 134 when llama.cpp aborted (SIGABRT); -1 when it timed out or never ran.</summary>
    public int ExitCode { get; }

    /// <summary>The harness's own error text (the "error" field of its JSON), which quotes llama.cpp's error lines.</summary>
    public string Error { get; }

    public string Stdout { get; }

    /// <summary>Everything the harness wrote to stderr: llama.cpp's full log.</summary>
    public string Stderr { get; }

    private static string Compose(int exitCode, string error, string stderr)
    {
        string tail = stderr.Length > LlamaCpp.StderrTailChars ? "…" + stderr[^LlamaCpp.StderrTailChars..] : stderr;
        string meaning = exitCode == 134 ? " (SIGABRT: llama.cpp aborted)" : exitCode > 128 ? $" (signal {exitCode - 128})" : "";
        return $"llama.cpp harness failed, exit code {exitCode}{meaning}: {error}\n--- llama.cpp log (last {LlamaCpp.StderrTailChars} chars of stderr) ---\n{tail}";
    }
}
