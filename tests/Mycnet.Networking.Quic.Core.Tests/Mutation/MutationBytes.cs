using System.Globalization;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>Byte and value helpers shared by the mutators.</summary>
internal static class MutationBytes
{
    /// <summary><paramref name="source"/> with <paramref name="removeCount"/> bytes at <paramref name="start"/> replaced by <paramref name="insert"/>.</summary>
    public static byte[] Splice(ReadOnlySpan<byte> source, int start, int removeCount, ReadOnlySpan<byte> insert)
    {
        byte[] result = new byte[source.Length - removeCount + insert.Length];
        source[..start].CopyTo(result);
        insert.CopyTo(result.AsSpan(start));
        source[(start + removeCount)..].CopyTo(result.AsSpan(start + insert.Length));
        return result;
    }

    /// <summary>A varint of <paramref name="value"/> (clamped to 2^62-1) in its shortest encoding, or in a longer one when <paramref name="size"/> asks and allows.</summary>
    public static byte[] VarIntBytes(ulong value, int size = 0)
    {
        value = Math.Min(value, VarInt.MaxValue);
        int minimal = VarInt.GetLength(value);
        int length = size >= minimal && size is 1 or 2 or 4 or 8 ? size : minimal;
        byte[] bytes = new byte[length];
        VarInt.WriteWithLength(bytes, value, length);
        return bytes;
    }

    /// <summary>A value likely to hit a boundary: limits, powers of two, off-by-one of the original, the varint maximum.</summary>
    public static ulong InterestingValue(Random random, ulong original)
    {
        ulong value = random.Next(26) switch
        {
            0 => 0,
            1 => 1,
            2 => 2,
            3 => 3,
            4 => 63,
            5 => 64,
            6 => 1200,
            7 => 16383,
            8 => 65535,
            9 => 1UL << 20,
            10 => (1UL << 30) - 1,
            11 => 1UL << 32,
            12 => 1UL << 60,
            13 => (1UL << 60) + 1,
            14 => VarInt.MaxValue,
            15 => VarInt.MaxValue - 1,
            16 => original + 1,
            17 => original == 0 ? VarInt.MaxValue : original - 1,
            18 => original ^ 1,
            19 => original ^ 2,
            20 => original ^ 3,
            21 => original + 4,
            22 => original * 2,
            23 => original + (1UL << 20),
            24 => original / 2,
            _ => (ulong)random.NextInt64(0, long.MaxValue) & VarInt.MaxValue,
        };
        return Math.Min(value, VarInt.MaxValue);
    }

    /// <summary>Random bytes of the given length.</summary>
    public static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    public static string Hex(ReadOnlySpan<byte> bytes, int max = 160) =>
        bytes.Length <= max ? Convert.ToHexStringLower(bytes) : Convert.ToHexStringLower(bytes[..max]) + string.Create(CultureInfo.InvariantCulture, $"…(+{bytes.Length - max})");

    public static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
