namespace DeltaMerge.Formats.Pickle;

/// <summary>What an allow-listed global stands for inside <see cref="RestrictedUnpickler"/>.</summary>
internal enum PickleGlobalKind
{
    /// <summary><c>collections.OrderedDict</c>: called with no arguments, makes an empty dict.</summary>
    OrderedDict,
    /// <summary><c>torch._utils._rebuild_tensor_v2</c>: makes a <see cref="TensorRef"/>.</summary>
    RebuildTensorV2,
    /// <summary><c>torch._utils._rebuild_parameter</c> (and <c>_with_state</c>): unwraps to its tensor.</summary>
    RebuildParameter,
    /// <summary><c>torch.HalfStorage</c> and friends: only named in persistent ids, never called.</summary>
    StorageClass,
    /// <summary><c>torch.float16</c> and friends: inert values, never called.</summary>
    DTypeObject,
}
