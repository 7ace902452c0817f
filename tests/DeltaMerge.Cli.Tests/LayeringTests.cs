using System.Xml.Linq;
using DeltaMerge.Tests.Shared;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// The projects under src/ depend one way, as docs/architecture.md draws them: read from the .csproj files, every
/// project references only what its layer may use, and the libraries below the compute layer stay free of TorchSharp.
/// </summary>
public class LayeringTests
{
    /// <summary>Every project under src/ and the projects it may reference (docs/architecture.md).</summary>
    private static readonly Dictionary<string, string[]> MayReference = new()
    {
        ["DeltaMerge.Formats"] = [],
        ["DeltaMerge.Tokenization"] = ["DeltaMerge.Formats"],
        ["DeltaMerge.Compute"] = [],
        ["DeltaMerge.Pipeline"] = ["DeltaMerge.Formats", "DeltaMerge.Compute"],
        ["DeltaMerge.Runtime"] = ["DeltaMerge.Formats", "DeltaMerge.Compute", "DeltaMerge.Tokenization"],
        ["DeltaMerge.Eval"] = ["DeltaMerge.Formats", "DeltaMerge.Tokenization", "DeltaMerge.Runtime"],
        ["DeltaMerge.Demo"] = ["DeltaMerge.Formats", "DeltaMerge.Tokenization", "DeltaMerge.Compute", "DeltaMerge.Pipeline",
            "DeltaMerge.Runtime", "DeltaMerge.Eval"],
        ["DeltaMerge.Cli"] = ["DeltaMerge.Formats", "DeltaMerge.Tokenization", "DeltaMerge.Compute", "DeltaMerge.Pipeline",
            "DeltaMerge.Runtime", "DeltaMerge.Eval", "DeltaMerge.Demo"],
    };

    private static IEnumerable<string> Projects() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    private static IEnumerable<string> Items(string csproj, string item) =>
        XDocument.Load(csproj).Descendants(item).Select(e => (string?)e.Attribute("Include")).OfType<string>();

    [Test]
    public void EveryProjectReferencesOnlyWhatItsLayerMayUse()
    {
        Assert.That(Projects(), Is.Not.Empty);
        foreach (var csproj in Projects())
        {
            string name = Path.GetFileNameWithoutExtension(csproj);
            Assert.That(MayReference.ContainsKey(name), Is.True, $"{name} has no place in the layering; add it here and to docs/architecture.md");
            // MSBuild paths use backslashes on every OS.
            var references = Items(csproj, "ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Replace('\\', '/')));
            Assert.That(references, Is.SubsetOf(MayReference[name]), name);
        }
    }

    [TestCase("DeltaMerge.Formats")]
    [TestCase("DeltaMerge.Tokenization")]
    public void BytesOnlyLibrariesDoNotReferenceTorchSharp(string name)
    {
        string csproj = Path.Combine(RepoPaths.Root, "src", name, name + ".csproj");
        Assert.That(Items(csproj, "PackageReference"), Has.None.StartsWith("TorchSharp"));
    }
}
