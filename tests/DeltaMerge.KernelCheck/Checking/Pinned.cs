using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeltaMerge.KernelCheck;

/// <summary>Arrays the GC never moves, so the kernels can take raw pointers to them.</summary>
internal static unsafe class Pinned
{
    public static T[] Array<T>(int length) where T : unmanaged => GC.AllocateArray<T>(length, pinned: true);

    public static T* Pointer<T>(T[] pinnedArray) where T : unmanaged => (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedArray));

    /// <summary>A pinned copy of <paramref name="values"/>.</summary>
    public static T[] Copy<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var copy = Array<T>(values.Length);
        values.CopyTo(copy);
        return copy;
    }
}
