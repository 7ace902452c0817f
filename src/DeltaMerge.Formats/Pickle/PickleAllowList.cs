using System.Collections.Frozen;

namespace DeltaMerge.Formats.Pickle;

/// <summary>
/// The only (module, name) pairs a checkpoint pickle may name, as mergekit's restricted unpickler allows; any other
/// global would import or run code, so <see cref="RestrictedUnpickler"/> refuses it.
/// </summary>
internal static class PickleAllowList
{
    private const string TorchModule = "torch";

    private static readonly FrozenDictionary<(string Module, string Name), PickleGlobal> Callables = new PickleGlobal[]
    {
        // OrderedDict: state_dict() containers and the empty backward_hooks argument of every tensor.
        new("collections", "OrderedDict", PickleGlobalKind.OrderedDict),
        new("torch._utils", "_rebuild_tensor_v2", PickleGlobalKind.RebuildTensorV2),
        new("torch._utils", "_rebuild_parameter", PickleGlobalKind.RebuildParameter),
        // torch >= 2.0 writes this for a Parameter that carries Python attributes.
        new("torch._utils", "_rebuild_parameter_with_state", PickleGlobalKind.RebuildParameter),
    }.ToFrozenDictionary(g => (g.Module, g.Name));

    // torch.<name> dtype objects; newer pickles may name them (tensor metadata), they are only ever values here.
    private static readonly FrozenDictionary<string, DType> DTypeNames = new Dictionary<string, DType>
    {
        ["float16"] = DType.F16, ["half"] = DType.F16, ["bfloat16"] = DType.BF16,
        ["float32"] = DType.F32, ["float"] = DType.F32, ["float64"] = DType.F64, ["double"] = DType.F64,
        ["int64"] = DType.I64, ["long"] = DType.I64, ["int32"] = DType.I32, ["int"] = DType.I32,
        ["int16"] = DType.I16, ["short"] = DType.I16, ["int8"] = DType.I8, ["uint8"] = DType.U8, ["bool"] = DType.Bool,
    }.ToFrozenDictionary();

    /// <summary>Resolves <paramref name="module"/>.<paramref name="name"/> if it is allowed.</summary>
    public static bool TryResolve(string module, string name, out PickleGlobal global)
    {
        if (Callables.TryGetValue((module, name), out global!)) return true;
        if (module == TorchModule && DTypeInfo.TryParseTorchStorage(name, out DType storageType))
        {
            global = new PickleGlobal(module, name, PickleGlobalKind.StorageClass, storageType);
            return true;
        }
        if (module == TorchModule && DTypeNames.TryGetValue(name, out DType dtype))
        {
            global = new PickleGlobal(module, name, PickleGlobalKind.DTypeObject, dtype);
            return true;
        }
        global = null!;
        return false;
    }
}
