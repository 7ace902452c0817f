namespace DeltaMerge.Fuzz;

/// <summary>Fixed valid inputs the targets combine with fuzzed ones.</summary>
internal static class SeedModel
{
    /// <summary>The tiny fixtures' tokenizer.model (embedded, so the harness runs from any directory).</summary>
    public static byte[] TokenizerModel { get; } = ReadResource("tokenizer.model");

    private static byte[] ReadResource(string name)
    {
        using var stream = typeof(SeedModel).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
