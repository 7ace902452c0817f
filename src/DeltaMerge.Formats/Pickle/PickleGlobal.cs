namespace DeltaMerge.Formats.Pickle;

/// <summary>
/// An allow-listed global as the unpickler sees it: an inert marker, never an imported object.
/// </summary>
/// <param name="Module">Python module, e.g. <c>torch._utils</c>.</param>
/// <param name="Name">Attribute name, e.g. <c>_rebuild_tensor_v2</c>.</param>
/// <param name="Kind">What the unpickler does with it.</param>
/// <param name="DType">Element type of a storage class or dtype global; null for the others.</param>
internal sealed record PickleGlobal(string Module, string Name, PickleGlobalKind Kind, DType? DType = null)
{
    /// <summary>The global written as <c>module.name</c>.</summary>
    public string FullName => $"{Module}.{Name}";
}
