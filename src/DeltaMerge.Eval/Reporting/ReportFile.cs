using System.Text;

namespace DeltaMerge.Eval.Reporting;

/// <summary>
/// Writes one file of an evaluation's output so that it is never seen half-written: a sibling temporary file, renamed
/// over the target. Charts are written before the report that links them, so a report never points at nothing.
/// </summary>
public static class ReportFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> in one rename.</summary>
    public static void Write(string path, byte[] bytes)
    {
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark, in one rename.</summary>
    public static void WriteText(string path, string text) => Write(path, new UTF8Encoding(false).GetBytes(text));
}
