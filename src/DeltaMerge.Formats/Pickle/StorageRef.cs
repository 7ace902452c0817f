namespace DeltaMerge.Formats.Pickle;

/// <summary>
/// A storage named by a persistent id <c>('storage', torch.HalfStorage, key, location, numel)</c>: its bytes are the
/// zip entry <c>&lt;prefix&gt;/data/&lt;key&gt;</c>, read later, never by the unpickler.
/// </summary>
/// <param name="Key">The storage's key, the name of its zip entry under <c>data/</c>.</param>
/// <param name="DType">Element type, from the storage class.</param>
/// <param name="ElementCount">Number of elements.</param>
/// <param name="Location">Device it was saved from (<c>cpu</c>, <c>cuda:0</c>); informational.</param>
internal sealed record StorageRef(string Key, DType DType, long ElementCount, string Location);
