using TorchSharp;

namespace DeltaMerge.Runtime.Modules;

/// <summary>
/// LlamaAttention (<c>self_attn</c>): q/k/v projections, rotary embeddings, grouped-query attention (each kv head
/// repeated for its group of query heads, <c>repeat_kv</c>), causal mask, float32 softmax, <c>o_proj</c>.
/// </summary>
internal sealed class Attention : torch.nn.Module
{
#pragma warning disable IDE1006 // named like the checkpoint keys
    private readonly Projection q_proj;
    private readonly Projection k_proj;
    private readonly Projection v_proj;
    private readonly Projection o_proj;
#pragma warning restore IDE1006
    private readonly long _heads, _kvHeads, _headDim;

    public Attention(LlamaConfig config, torch.ScalarType dtype, torch.Device device, KernelBackend? backend) : base("self_attn")
    {
        _heads = config.HeadCount;
        _kvHeads = config.KvHeadCount;
        _headDim = config.HeadDim;
        q_proj = new Projection(nameof(q_proj), config.HiddenSize, _heads * _headDim, dtype, device, backend);
        k_proj = new Projection(nameof(k_proj), config.HiddenSize, _kvHeads * _headDim, dtype, device, backend);
        v_proj = new Projection(nameof(v_proj), config.HiddenSize, _kvHeads * _headDim, dtype, device, backend);
        o_proj = new Projection(nameof(o_proj), _heads * _headDim, config.HiddenSize, dtype, device, backend);
        RegisterComponents();
    }

    /// <summary><paramref name="x"/> [T, hidden] for positions cache.Length.. ; appends this layer's keys/values to the cache.</summary>
    public torch.Tensor Forward(torch.Tensor x, RotaryEmbedding rope, KvCache cache, int layer)
    {
        using var q = q_proj.Forward(x);
        using var k = k_proj.Forward(x);
        using var v = v_proj.Forward(x);
        using var merged = Attend(q, k, v, rope, cache, layer);
        return o_proj.Forward(merged);
    }

    /// <summary>
    /// One new token for each of several sequences: <paramref name="x"/> [B, hidden], row b continuing
    /// <paramref name="caches"/>[b]. The projections run on all rows at once; attention runs per sequence on its own
    /// cache, with exactly the operations of a one-token <see cref="Forward"/>.
    /// </summary>
    public torch.Tensor ForwardStep(torch.Tensor x, RotaryEmbedding rope, IReadOnlyList<KvCache> caches, int layer)
    {
        using var q = q_proj.Forward(x);
        using var k = k_proj.Forward(x);
        using var v = v_proj.Forward(x);
        var contexts = new torch.Tensor[caches.Count];
        try
        {
            for (int b = 0; b < caches.Count; b++)
            {
                using var qb = q.narrow(0, b, 1);
                using var kb = k.narrow(0, b, 1);
                using var vb = v.narrow(0, b, 1);
                contexts[b] = Attend(qb, kb, vb, rope, caches[b], layer);
            }
            using var merged = torch.cat(contexts, 0);
            return o_proj.Forward(merged);
        }
        finally
        {
            foreach (var c in contexts) c?.Dispose();
        }
    }

    /// <summary>
    /// Attention of projected rows q, k, v [T, n·d] at positions cache.Length.. (rotary applied here; keys/values
    /// appended to the cache): the context [T, heads·d] before o_proj.
    /// </summary>
    private torch.Tensor Attend(torch.Tensor qProjected, torch.Tensor kProjected, torch.Tensor vProjected, RotaryEmbedding rope, KvCache cache, int layer)
    {
        long t = qProjected.shape[0], start = cache.Length;
        using var q = Heads(qProjected, _heads, rope, start);
        using var k = Heads(kProjected, _kvHeads, rope, start);
        using var v = Heads(vProjected, _kvHeads, rope: null, start);
        var (allKeys, allValues) = cache.Append(layer, k, v);
        using var keys = allKeys;
        using var values = allValues;
        using var keysRep = RepeatKv(keys);
        using var valuesRep = RepeatKv(values);

        using var keysT = keysRep.transpose(1, 2);
        using var product = torch.matmul(q, keysT);
        using var scores = product / Math.Sqrt(_headDim);  // divided, not multiplied by a scale, as transformers
        using var masked = t > 1 ? AddCausalMask(scores, start) : scores.alias();  // one new token sees every position
        using var probs32 = torch.nn.functional.softmax(masked, -1, torch.ScalarType.Float32);
        using var probs = probs32.to(valuesRep.dtype);
        using var context = torch.matmul(probs, valuesRep);            // [heads, T, d]
        using var byToken = context.transpose(0, 1);
        return byToken.reshape(t, _heads * _headDim);
    }

    /// <summary>Splits projected rows into heads: [T, n·d] → [n, T, d], rotated when <paramref name="rope"/> is given.</summary>
    private static torch.Tensor Heads(torch.Tensor projected, long heads, RotaryEmbedding? rope, long start)
    {
        using var split = projected.view(projected.shape[0], heads, -1);
        var byHead = split.transpose(0, 1);
        if (rope is null) return byHead;
        using (byHead) return rope.Apply(byHead, start);
    }

    /// <summary>[kvHeads, L, d] → [heads, L, d], kv head j serving query heads j·g .. j·g+g-1.</summary>
    private torch.Tensor RepeatKv(torch.Tensor kv)
    {
        long group = _heads / _kvHeads;
        if (group == 1) return kv.alias();
        long length = kv.shape[1];
        using var one = kv.unsqueeze(1);
        using var expanded = one.expand(_kvHeads, group, length, _headDim);
        return expanded.reshape(_heads, length, _headDim);
    }

    /// <summary>Adds finfo.min above the diagonal: query i (position start+i) sees keys 0..start+i.</summary>
    private static torch.Tensor AddCausalMask(torch.Tensor scores, long start)
    {
        long t = scores.shape[1], length = scores.shape[2];
        using var full = torch.full([t, length], TorchDTypes.MinValue(scores.dtype), scores.dtype, scores.device);
        using var mask = full.triu(start + 1);
        return scores + mask;
    }
}
