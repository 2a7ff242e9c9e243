using System.Buffers.Binary;
using System.Net.Security;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>
/// The tiny application protocol between the perf client and server (ALPN <c>mycnet-perf</c>).
/// Every client-opened bidirectional stream starts with an operation byte:
/// <list type="bullet">
/// <item><c>D</c> + u64 N: download; the server sends N bytes and FIN.</item>
/// <item><c>U</c> + u64 N, then N bytes and FIN: upload; the server reads to the end and answers
/// with the u64 count it received and FIN (so the client's clock stops when the server has it all).</item>
/// <item><c>R</c>…: request/response; the whole request (its first byte is the <c>R</c>) up to FIN
/// is echoed back with FIN. An rr request of 64 bytes is exactly 64 bytes on the wire.</item>
/// <item><c>E</c> + u64 S: echo; then messages of S bytes, each echoed as soon as it is complete,
/// until FIN (rr --one-stream).</item>
/// <item><c>M</c> + u64 C: memory; the server waits until it holds exactly C connections, collects
/// garbage and answers with a JSON <see cref="MemorySnapshot"/> and FIN (connections --server-process).</item>
/// </list>
/// Integers are big-endian.
/// </summary>
internal static class PerfProtocol
{
    public const byte Download = (byte)'D';
    public const byte Upload = (byte)'U';
    public const byte Request = (byte)'R';
    public const byte Echo = (byte)'E';
    public const byte Memory = (byte)'M';

    /// <summary>Operation byte and u64 argument.</summary>
    public const int HeaderLength = 9;

    /// <summary>The largest rr message (and the server's request buffer).</summary>
    public const int MaxMessageSize = 64 * 1024;

    public static readonly SslApplicationProtocol Alpn = new("mycnet-perf");

    public static byte[] Header(byte operation, long argument)
    {
        var header = new byte[HeaderLength];
        header[0] = operation;
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(1), argument);
        return header;
    }
}
