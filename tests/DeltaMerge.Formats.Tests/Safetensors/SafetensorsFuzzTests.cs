using DeltaMerge.Formats.Safetensors;

namespace DeltaMerge.Formats.Tests.Safetensors;

/// <summary>Mutated files either read or fail with <see cref="CheckpointFormatException"/>, never anything else.</summary>
public sealed class SafetensorsFuzzTests
{
    private const int Iterations = 2000;
    private const int Seed = 20240607;

    [Test]
    public void MutationsOnlyThrowFormatErrors()
    {
        byte[] valid = SafetensorsBytes.Build(SafetensorsBytes.TwoTensors, 12);
        var random = new Random(Seed);
        int succeeded = 0;
        var kinds = new HashSet<FormatErrorKind>();
        for (int i = 0; i < Iterations; i++)
        {
            byte[] mutated = Mutate(valid, random);
            try
            {
                using var reader = new MemoryByteReader(mutated);
                SafetensorsFile file = SafetensorsFile.Open(reader);
                foreach (TensorEntry t in file.Tensors)
                {
                    if (t.ByteLength <= mutated.Length) file.ReadTensor(t, new byte[t.ByteLength]);
                }
                succeeded++;
            }
            catch (CheckpointFormatException ex)
            {
                kinds.Add(ex.Kind);
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {i}: {ex.GetType().Name} on {Convert.ToHexString(mutated)}\n{ex}");
            }
        }
        Assert.That(succeeded, Is.LessThan(Iterations), "some mutations must be rejected");
        TestContext.Out.WriteLine($"{succeeded} read; rejected as {string.Join(", ", kinds.Order())}");
        // The mutations must reach past the first checks, or the test proves little.
        Assert.That(kinds, Has.Count.GreaterThanOrEqualTo(8));
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        byte[] bytes = [.. valid];
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            if (bytes.Length == 0) return bytes;
            // Bias towards the prefix and header, where the parsing is.
            int position = random.Next(random.Next(2) == 0 ? Math.Min(bytes.Length, 8 + SafetensorsBytes.TwoTensors.Length) : bytes.Length);
            switch (random.Next(6))
            {
                case 0: bytes[position] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[position] = (byte)random.Next(256); break;
                case 2: bytes[position] = (byte)"0123456789-[]{},:\"e."[random.Next(20)]; break;
                case 3: bytes = bytes[..position]; break;
                case 4: bytes = [.. bytes, .. new byte[random.Next(1, 16)]]; break;
                default: bytes[random.Next(Math.Min(8, bytes.Length))] = (byte)random.Next(256); break;
            }
        }
        return bytes;
    }
}
