namespace DeltaMerge.Cli.Tests;

/// <summary>Edits of a tokenizer.model (a SentencePiece ModelProto) at the protobuf level, for bad-input tests.</summary>
internal static class SentencePieceEdits
{
    private const int TrainerSpecField = 2, ModelTypeField = 3;

    /// <summary>Sets trainer_spec.model_type (1 unigram, 2 BPE, 3 word, 4 char) in place; LLaMA's model states BPE explicitly.</summary>
    public static void SetModelType(string path, byte modelType)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var (start, end) = FindField(bytes, 0, bytes.Length, TrainerSpecField);
        var (valueStart, _) = FindField(bytes, start, end, ModelTypeField);
        bytes[valueStart] = modelType; // a one-byte varint either way
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The payload range of the first field <paramref name="number"/> between <paramref name="from"/> and <paramref name="to"/>.</summary>
    private static (int Start, int End) FindField(byte[] b, int from, int to, int number)
    {
        int i = from;
        while (i < to)
        {
            ulong key = Varint(b, ref i);
            int wire = (int)(key & 7);
            int start = i;
            switch (wire)
            {
                case 0: Varint(b, ref i); break;
                case 1: i += 8; break;
                case 2: int n = (int)Varint(b, ref i); start = i; i += n; break;
                case 5: i += 4; break;
                default: throw new InvalidDataException($"wire type {wire} at {start}");
            }
            if ((int)(key >> 3) == number) return (start, i);
        }
        throw new InvalidDataException($"field {number} not found");
    }

    private static ulong Varint(byte[] b, ref int i)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte x = b[i++];
            value |= (ulong)(x & 0x7f) << shift;
            if (x < 0x80) return value;
        }
    }
}
