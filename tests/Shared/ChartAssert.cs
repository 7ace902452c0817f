using System.Buffers.Binary;
using System.Xml.Linq;

namespace DeltaMerge.Tests.Shared;

/// <summary>Checks that chart files are real images of a given size, read from their bytes (no imaging library).</summary>
internal static class ChartAssert
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The PNG signature, then the IHDR chunk first, with the expected width and height.</summary>
    public static void IsPng(string path, int width, int height)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.That(bytes.Length, Is.GreaterThan(33), path);
        Assert.That(bytes[..8], Is.EqualTo(PngSignature), $"{path}: PNG signature");
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)), Is.EqualTo(13u), $"{path}: IHDR length");
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 12, 4), Is.EqualTo("IHDR"), $"{path}: first chunk");
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo((uint)width), $"{path}: width");
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo((uint)height), $"{path}: height");
    }

    /// <summary>Well-formed XML whose root is an SVG element with the expected width and height.</summary>
    /// <returns>The document, for checks of its content.</returns>
    public static XDocument IsSvg(string path, int width, int height)
    {
        var doc = XDocument.Load(path);
        XElement root = doc.Root!;
        Assert.That(root.Name.LocalName, Is.EqualTo("svg"), path);
        Assert.That(root.Name.NamespaceName, Is.EqualTo("http://www.w3.org/2000/svg"), path);
        Assert.That(root.Attribute("width")?.Value, Is.EqualTo(width.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{path}: width");
        Assert.That(root.Attribute("height")?.Value, Is.EqualTo(height.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{path}: height");
        return doc;
    }

    /// <summary>Both files of a chart named <paramref name="name"/> in <paramref name="directory"/>, and the report's links to them.</summary>
    public static void ChartIsLinked(string directory, string name, (int Width, int Height) size, string report)
    {
        IsPng(Path.Combine(directory, name + ".png"), size.Width, size.Height);
        IsSvg(Path.Combine(directory, name + ".svg"), size.Width, size.Height);
        Assert.That(report, Does.Contain($"]({name}.png)").And.Contain($"]({name}.svg)"), "the report links both files by relative path");
        Assert.That(Directory.GetFiles(directory, "*.tmp"), Is.Empty, "no temporary file is left");
    }
}
