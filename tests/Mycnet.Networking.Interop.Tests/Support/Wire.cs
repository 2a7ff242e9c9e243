using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Qpack;

namespace Mycnet.Networking.Interop.Tests.Support;

/// <summary>Builds raw HTTP/3 bytes for tests that play a (mis)behaving peer.</summary>
internal static class Wire
{
    /// <summary>A QUIC variable-length integer (RFC 9000 §16) in its shortest form.</summary>
    public static byte[] VarInt(ulong value)
    {
        (int length, ulong tag) = value switch
        {
            < 1UL << 6 => (1, 0UL),
            < 1UL << 14 => (2, 1UL),
            < 1UL << 30 => (4, 2UL),
            _ => (8, 3UL),
        };
        ulong encoded = value | (tag << ((8 * length) - 2));
        byte[] buffer = new byte[length];
        for (int i = 0; i < length; i++)
        {
            buffer[i] = (byte)(encoded >> (8 * (length - 1 - i)));
        }

        return buffer;
    }

    /// <summary>A frame: type, length, payload.</summary>
    public static byte[] Frame(ulong type, params byte[] payload) => [.. VarInt(type), .. VarInt((ulong)payload.Length), .. payload];

    /// <summary>A SETTINGS payload from (id, value) pairs.</summary>
    public static byte[] SettingsPayload(params (ulong Id, ulong Value)[] settings)
    {
        var bytes = new List<byte>();
        foreach ((ulong id, ulong value) in settings)
        {
            bytes.AddRange(VarInt(id));
            bytes.AddRange(VarInt(value));
        }

        return [.. bytes];
    }

    /// <summary>A HEADERS frame carrying <paramref name="fields"/> encoded by this project's encoder.</summary>
    public static byte[] Headers(params HttpField[] fields) => Frame(0x01, QpackEncoder.Encode(fields));

    /// <summary>A valid GET request header section.</summary>
    public static HttpField[] Get(string path) =>
    [
        new(":method", "GET"),
        new(":scheme", "https"),
        new(":authority", "localhost"),
        new(":path", path),
    ];
}
