using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// Reassembles the CRYPTO stream of each direction and encryption level from the original packets
/// (RFC 9000 §19.6), so the TLS mutator knows where each handshake message starts (RFC 9846 §4:
/// type, 24-bit length, body) even when a message spans several packets.
/// </summary>
internal sealed class CryptoStreamTracker
{
    private const int MaxStream = 64 * 1024;

    private readonly Dictionary<(Direction, EncryptionLevel), Stream> _streams = [];

    /// <summary>Adds the CRYPTO frames of an original packet.</summary>
    public void Observe(Direction direction, OpenedPacket packet)
    {
        byte[] payload = packet.Plaintext;
        foreach (FrameInfo frame in FrameLayout.Walk(payload, out _))
        {
            if (frame.Type != FrameType.Crypto)
            {
                continue;
            }

            var reader = new WireReader(payload.AsSpan(frame.Start, frame.Length));
            if (!Frames.TryReadType(ref reader, out _) || !CryptoFrame.TryParse(ref reader, FrameType.Crypto, out CryptoFrame crypto))
            {
                continue;
            }

            Stream stream = GetStream(direction, packet.Level);
            ulong end = crypto.Offset + (ulong)crypto.Data.Length;
            if (crypto.Offset > (ulong)stream.Contiguous || end > MaxStream)
            {
                continue; // A gap (never in the loss-free recording) or beyond what we track.
            }

            if (stream.Bytes.Length < (int)end)
            {
                byte[] grown = new byte[Math.Min(MaxStream, Math.Max((int)end, stream.Bytes.Length * 2))];
                stream.Bytes.AsSpan(0, stream.Contiguous).CopyTo(grown);
                stream.Bytes = grown;
            }

            crypto.Data.CopyTo(stream.Bytes.AsSpan((int)crypto.Offset));
            stream.Contiguous = Math.Max(stream.Contiguous, (int)end);
        }
    }

    /// <summary>Offsets, relative to <paramref name="offset"/>, of the handshake messages that start in <c>[offset, offset + length)</c>.</summary>
    public List<int> MessageStarts(Direction direction, EncryptionLevel level, ulong offset, int length)
    {
        var starts = new List<int>();
        Stream stream = GetStream(direction, level);
        int position = 0;
        while (position + 4 <= stream.Contiguous)
        {
            if ((ulong)position >= offset && (ulong)position < offset + (ulong)length)
            {
                starts.Add(position - (int)offset);
            }

            int messageLength = (stream.Bytes[position + 1] << 16) | (stream.Bytes[position + 2] << 8) | stream.Bytes[position + 3];
            position += 4 + messageLength;
        }

        return starts;
    }

    private Stream GetStream(Direction direction, EncryptionLevel level)
    {
        if (!_streams.TryGetValue((direction, level), out Stream? stream))
        {
            stream = new Stream();
            _streams.Add((direction, level), stream);
        }

        return stream;
    }

    private sealed class Stream
    {
        public byte[] Bytes { get; set; } = new byte[4096];

        public int Contiguous { get; set; }
    }
}
