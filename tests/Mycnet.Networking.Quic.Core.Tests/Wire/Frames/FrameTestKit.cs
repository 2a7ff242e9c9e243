using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

/// <summary>
/// The per-frame test trio (quic-go style), generic over <see cref="IQuicFrame{TSelf}"/>:
/// (1) a known encoding parses to the expected fields and re-encodes to the same bytes,
/// (2) every truncated prefix of a valid encoding fails cleanly,
/// (3) write-then-parse round-trips with the written length equal to <c>GetEncodedLength()</c>.
/// </summary>
internal static class FrameTestKit
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    /// <summary>Parses <paramref name="hex"/> (type included), checks the fields and that writing it back gives the same bytes.</summary>
    public static void AssertParses<T>(string hex, Action<T> check)
        where T : IQuicFrame<T>, allows ref struct
    {
        byte[] bytes = Hex(hex);
        var reader = new WireReader(bytes);
        Assert.True(Frames.TryReadType(ref reader, out ulong type), "the frame type reads");
        Assert.True(T.TryParse(ref reader, type, out T frame), "the known encoding parses");
        Assert.True(reader.IsEnd, "the whole encoding is consumed");
        check(frame);
        Assert.Equal(bytes.Length, frame.GetEncodedLength());
        Assert.Equal(bytes, WriteToArray(frame));
    }

    /// <summary>Asserts that <paramref name="hex"/> (type included) is rejected by <c>TryParse</c> without throwing.</summary>
    public static void AssertRejected<T>(string hex)
        where T : IQuicFrame<T>, allows ref struct
    {
        byte[] bytes = Hex(hex);
        var reader = new WireReader(bytes);
        Assert.True(Frames.TryReadType(ref reader, out ulong type), "the frame type reads");
        Assert.False(T.TryParse(ref reader, type, out _), "the invalid encoding is rejected");
    }

    /// <summary>Every strict prefix of <paramref name="hex"/> fails: either the type or the body does not parse.</summary>
    public static void AssertTruncatedPrefixesFail<T>(string hex)
        where T : IQuicFrame<T>, allows ref struct
    {
        byte[] bytes = Hex(hex);
        var full = new WireReader(bytes);
        Assert.True(Frames.TryReadType(ref full, out ulong fullType) && T.TryParse(ref full, fullType, out _), "the full encoding parses");

        for (int length = 0; length < bytes.Length; length++)
        {
            // An exact-size copy: any read past the prefix would be a real out-of-bounds access.
            byte[] prefix = bytes.AsSpan(0, length).ToArray();
            var reader = new WireReader(prefix);
            if (!Frames.TryReadType(ref reader, out ulong type))
            {
                Assert.Equal(0, length);
                continue;
            }

            Assert.False(T.TryParse(ref reader, type, out _), $"a {length}-byte prefix of {bytes.Length} must not parse");
        }
    }

    /// <summary>Writes <paramref name="frame"/>, checks the length, parses it back and checks it re-encodes identically.</summary>
    public static byte[] AssertRoundTrip<T>(T frame, Action<T>? check = null)
        where T : IQuicFrame<T>, allows ref struct
    {
        byte[] written = WriteToArray(frame);
        return AssertReparses(written, check);
    }

    /// <summary>Parses <paramref name="encoded"/>, checks it is consumed entirely and re-encodes to the same bytes.</summary>
    public static byte[] AssertReparses<T>(byte[] encoded, Action<T>? check = null)
        where T : IQuicFrame<T>, allows ref struct
    {
        var reader = new WireReader(encoded);
        Assert.True(Frames.TryReadType(ref reader, out ulong type), "the written type reads");
        Assert.True(T.TryParse(ref reader, type, out T parsed), "the written frame parses");
        Assert.True(reader.IsEnd, "the parse consumes exactly the written bytes");
        check?.Invoke(parsed);
        Assert.Equal(encoded.Length, parsed.GetEncodedLength());
        Assert.Equal(encoded, WriteToArray(parsed));
        return encoded;
    }

    /// <summary>Writes a frame into a buffer with spare room and checks the writer advanced by exactly <c>GetEncodedLength()</c>.</summary>
    public static byte[] WriteToArray<T>(T frame)
        where T : IQuicFrame<T>, allows ref struct
    {
        int length = frame.GetEncodedLength();
        byte[] buffer = new byte[length + 16];
        var writer = new WireWriter(buffer);
        frame.Write(ref writer);
        Assert.Equal(length, writer.Position);
        return buffer.AsSpan(0, length).ToArray();
    }
}
