using DeltaMerge.Formats.Integrity;

namespace DeltaMerge.Pipeline.Inputs;

/// <summary>An input file after it was read: its digests and which listed digests it matched.</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="RelativeName">Name relative to its model directory (as checksum lists name it).</param>
/// <param name="Digests">Digests of the bytes read.</param>
/// <param name="VerifiedAlgorithms">Algorithms whose listed digest matched (empty: not listed, only hashed).</param>
public sealed record VerifiedFile(string Path, string RelativeName, FileDigests Digests, IReadOnlyList<string> VerifiedAlgorithms);
