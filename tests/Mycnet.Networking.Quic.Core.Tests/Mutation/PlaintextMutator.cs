using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Mutation.MutationBytes;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// Mutations of a decrypted packet payload, frame-aware (RFC 9000 §12.4, §19): field values
/// (stream IDs, offsets, lengths, limits, ACK ranges, sequence numbers, error codes, reason
/// lengths), frame types (unknown, over-long encodings, related types), type flag bits, the bytes
/// inside frames, the TLS messages inside CRYPTO frames (<see cref="TlsMutator"/>), made-up frames
/// inserted between real ones (<see cref="CraftedFrames"/>), removed, duplicated, swapped and
/// truncated frames, empty and padding-only payloads, and garbage after the last frame. The caller
/// seals the result with the packet's own keys and number, so it reaches the frame parsers.
/// </summary>
internal static class PlaintextMutator
{
    /// <param name="messageStarts">For a CRYPTO frame at (offset, length): where handshake messages start in its data.</param>
    public static (byte[] Plaintext, string Operator, string Detail) Mutate(Random random, OpenedPacket packet, Func<ulong, int, List<int>> messageStarts)
    {
        byte[] payload = packet.Plaintext;
        List<FrameInfo> frames = FrameLayout.Walk(payload, out int tail);
        List<FrameInfo> content = frames.FindAll(f => f.Type != FrameType.Padding);
        if (content.Count == 0)
        {
            content = frames;
        }

        // Packets that carry TLS messages get TLS mutations more often: the handshake is where a
        // peer's bytes reach the most parsing code.
        bool carriesHandshakeMessages = packet.Level != EncryptionLevel.OneRtt && content.Exists(f => f.Type == FrameType.Crypto);
        int choice = carriesHandshakeMessages && random.Next(100) < 30 ? 60 : random.Next(100);
        (byte[], string, string)? result = choice switch
        {
            < 32 => FieldValue(random, payload, content),
            < 40 => FrameTypeEdit(random, payload, content),
            < 47 => FlagEdit(random, payload, content),
            < 53 => BytesEdit(random, payload, content),
            < 68 => Tls(random, payload, content, messageStarts),
            < 80 => Insert(random, payload, frames, tail, packet.PacketNumber),
            < 94 => Structural(random, payload, frames, content),
            _ => null,
        };
        return result ?? BitFlips(random, payload);
    }

    private static (byte[], string, string)? FieldValue(Random random, byte[] payload, List<FrameInfo> frames)
    {
        for (int attempt = 0; attempt < 4 && frames.Count > 0; attempt++)
        {
            FrameInfo frame = frames[random.Next(frames.Count)];
            List<FrameField> fields = FrameLayout.Fields(payload, frame).FindAll(f => f.Kind != FieldKind.Bytes);
            if (fields.Count == 0)
            {
                continue;
            }

            int index = random.Next(fields.Count);
            FrameField field = fields[index];
            if (field.Kind == FieldKind.ByteLength)
            {
                byte value = random.Next(6) switch { 0 => 0, 1 => 1, 2 => 20, 3 => 21, 4 => 255, _ => (byte)(field.Value + 1) };
                byte[] copy = (byte[])payload.Clone();
                copy[field.Offset] = value;
                return (copy, "auth.field", Format($"{Name(frame.Type)} connection ID length {field.Value} -> {value}"));
            }

            ulong newValue = InterestingValue(random, field.Value);
            int size = random.Next(10) switch { < 5 => field.Size, 5 => 8, _ => 0 };
            byte[] encoded = VarIntBytes(newValue, size);
            string kind = field.Kind == FieldKind.Length ? "length" : "field";
            return (Splice(payload, field.Offset, field.Size, encoded), "auth.field", Format($"{Name(frame.Type)} {kind} #{index} {field.Value} -> {newValue} ({encoded.Length}-byte varint)"));
        }

        return null;
    }

    private static (byte[], string, string)? FrameTypeEdit(Random random, byte[] payload, List<FrameInfo> frames)
    {
        if (frames.Count == 0)
        {
            return null;
        }

        FrameInfo frame = frames[random.Next(frames.Count)];
        byte[] replacement = random.Next(5) switch
        {
            0 => VarIntBytes(frame.Type, 2), // over-long encoding of the same type
            1 => [(byte)random.Next(0x1f, 0x30)], // not a frame type (0x1f, 0x20..0x2f)
            2 => VarIntBytes((ulong)random.Next(0x32, 0x4000)),
            3 => [(byte)random.Next(256)],
            _ => [(byte)KnownTypes[random.Next(KnownTypes.Length)]],
        };
        return (Splice(payload, frame.Start, 1, replacement), "auth.frame-type", Format($"{Name(frame.Type)} -> type bytes {Hex(replacement)}"));
    }

    private static (byte[], string, string)? FlagEdit(Random random, byte[] payload, List<FrameInfo> frames)
    {
        if (frames.Count == 0)
        {
            return null;
        }

        FrameInfo frame = frames[random.Next(frames.Count)];
        byte[] copy = (byte[])payload.Clone();
        byte mask = FrameType.IsStream(frame.Type) ? (byte)(1 << random.Next(3)) : (byte)1;
        copy[frame.Start] ^= mask;
        return (copy, "auth.frame-flags", Format($"{Name(frame.Type)} type 0x{payload[frame.Start]:x2} -> 0x{copy[frame.Start]:x2}"));
    }

    private static (byte[], string, string)? BytesEdit(Random random, byte[] payload, List<FrameInfo> frames)
    {
        var candidates = new List<(FrameInfo Frame, FrameField Field)>();
        foreach (FrameInfo frame in frames)
        {
            foreach (FrameField field in FrameLayout.Fields(payload, frame))
            {
                if (field.Kind == FieldKind.Bytes)
                {
                    candidates.Add((frame, field));
                }
            }
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        (FrameInfo target, FrameField bytes) = candidates[random.Next(candidates.Count)];
        byte[] copy = (byte[])payload.Clone();
        int flips = random.Next(1, 4);
        for (int i = 0; i < flips; i++)
        {
            copy[bytes.Offset + random.Next(bytes.Size)] ^= (byte)(1 << random.Next(8));
        }

        return (copy, "auth.frame-bytes", Format($"{Name(target.Type)}: {flips} bit flips in {bytes.Size} bytes"));
    }

    private static (byte[], string, string)? Tls(Random random, byte[] payload, List<FrameInfo> frames, Func<ulong, int, List<int>> messageStarts)
    {
        List<FrameInfo> crypto = frames.FindAll(f => f.Type == FrameType.Crypto);
        if (crypto.Count == 0)
        {
            return FieldValue(random, payload, frames);
        }

        FrameInfo frame = crypto[random.Next(crypto.Count)];
        List<FrameField> fields = FrameLayout.Fields(payload, frame);
        if (fields.Count < 3 || fields[2].Kind != FieldKind.Bytes)
        {
            return null;
        }

        FrameField offset = fields[0];
        FrameField data = fields[2];
        byte[] bytes = payload.AsSpan(data.Offset, data.Size).ToArray();
        (byte[] Data, string Operator, string Detail)? mutated = TlsMutator.Mutate(random, bytes, messageStarts(offset.Value, bytes.Length));
        if (mutated is not { } m)
        {
            // A fragment with no message start: its bytes still reach TLS once contiguous.
            byte[] flipped = (byte[])payload.Clone();
            flipped[data.Offset + random.Next(data.Size)] ^= (byte)(1 << random.Next(8));
            return (flipped, "auth.tls.fragment-bytes", Format($"CRYPTO offset {offset.Value}: a bit flip"));
        }

        byte[] rebuilt = [.. payload.AsSpan(frame.Start, 1 + offset.Size), .. VarIntBytes((ulong)m.Data.Length), .. m.Data];
        return (Splice(payload, frame.Start, frame.Length, rebuilt), m.Operator, m.Detail);
    }

    private static (byte[], string, string) Insert(Random random, byte[] payload, List<FrameInfo> frames, int tail, ulong packetNumber)
    {
        (byte[] frame, string what) = CraftedFrames.Create(random, packetNumber);
        int position = random.Next(3) switch
        {
            0 => 0,
            1 => frames.Count > 0 ? frames[random.Next(frames.Count)].Start : 0,
            _ => tail,
        };
        return (Splice(payload, position, 0, frame), "auth.insert", Format($"{what} at {position}"));
    }

    private static (byte[], string, string)? Structural(Random random, byte[] payload, List<FrameInfo> frames, List<FrameInfo> content)
    {
        switch (random.Next(8))
        {
            case 0 when content.Count > 0:
                FrameInfo removed = content[random.Next(content.Count)];
                return (Splice(payload, removed.Start, removed.Length, default), "auth.frame-remove", Format($"{Name(removed.Type)} removed"));
            case 1 when content.Count > 0:
                FrameInfo duplicated = content[random.Next(content.Count)];
                return (Splice(payload, duplicated.End, 0, payload.AsSpan(duplicated.Start, duplicated.Length)), "auth.frame-duplicate", Format($"{Name(duplicated.Type)} twice"));
            case 2 when frames.Count > 1:
                int i = random.Next(frames.Count - 1);
                FrameInfo a = frames[i];
                FrameInfo b = frames[i + 1];
                byte[] swapped = [.. payload.AsSpan(0, a.Start), .. payload.AsSpan(b.Start, b.Length), .. payload.AsSpan(a.Start, a.Length), .. payload.AsSpan(b.End)];
                return (swapped, "auth.frame-swap", Format($"{Name(a.Type)} and {Name(b.Type)} swapped"));
            case 3 when content.Count > 0:
                FrameInfo cut = content[random.Next(content.Count)];
                int at = cut.Start + random.Next(1, Math.Max(2, cut.Length));
                return (payload.AsSpan(0, Math.Min(at, payload.Length)).ToArray(), "auth.truncate", Format($"cut inside {Name(cut.Type)} at {at} of {payload.Length}"));
            case 4:
                return ([], "auth.empty", "no frames at all");
            case 5:
                return (new byte[payload.Length], "auth.padding-only", Format($"{payload.Length} PADDING bytes only"));
            default:
                byte[] junk = RandomBytes(random, random.Next(1, 40));
                junk[0] = (byte)random.Next(1, 256);
                return ([.. payload, .. junk], "auth.garbage", Format($"{junk.Length} garbage bytes after the frames"));
        }
    }

    private static (byte[], string, string) BitFlips(Random random, byte[] payload)
    {
        if (payload.Length == 0)
        {
            return ([(byte)random.Next(256)], "auth.bitflip", "one random byte instead of nothing");
        }

        byte[] copy = (byte[])payload.Clone();
        int flips = random.Next(1, 5);
        for (int i = 0; i < flips; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }

        return (copy, "auth.bitflip", Format($"{flips} bit flips in {copy.Length} bytes"));
    }

    private static readonly ulong[] KnownTypes =
    [
        FrameType.Padding, FrameType.Ping, FrameType.Ack, FrameType.AckEcn, FrameType.ResetStream, FrameType.StopSending,
        FrameType.Crypto, FrameType.NewToken, FrameType.Stream, 0x0f, FrameType.MaxData, FrameType.MaxStreamData,
        FrameType.MaxStreamsBidi, FrameType.MaxStreamsUni, FrameType.DataBlocked, FrameType.StreamDataBlocked,
        FrameType.StreamsBlockedBidi, FrameType.StreamsBlockedUni, FrameType.NewConnectionId, FrameType.RetireConnectionId,
        FrameType.PathChallenge, FrameType.PathResponse, FrameType.ConnectionClose, FrameType.ConnectionCloseApplication,
        FrameType.HandshakeDone, FrameType.Datagram, FrameType.DatagramWithLength,
    ];

    public static string Name(ulong type) => type switch
    {
        FrameType.Padding => "PADDING",
        FrameType.Ping => "PING",
        FrameType.Ack => "ACK",
        FrameType.AckEcn => "ACK_ECN",
        FrameType.ResetStream => "RESET_STREAM",
        FrameType.StopSending => "STOP_SENDING",
        FrameType.Crypto => "CRYPTO",
        FrameType.NewToken => "NEW_TOKEN",
        FrameType.MaxData => "MAX_DATA",
        FrameType.MaxStreamData => "MAX_STREAM_DATA",
        FrameType.MaxStreamsBidi or FrameType.MaxStreamsUni => "MAX_STREAMS",
        FrameType.DataBlocked => "DATA_BLOCKED",
        FrameType.StreamDataBlocked => "STREAM_DATA_BLOCKED",
        FrameType.StreamsBlockedBidi or FrameType.StreamsBlockedUni => "STREAMS_BLOCKED",
        FrameType.NewConnectionId => "NEW_CONNECTION_ID",
        FrameType.RetireConnectionId => "RETIRE_CONNECTION_ID",
        FrameType.PathChallenge => "PATH_CHALLENGE",
        FrameType.PathResponse => "PATH_RESPONSE",
        FrameType.ConnectionClose or FrameType.ConnectionCloseApplication => "CONNECTION_CLOSE",
        FrameType.HandshakeDone => "HANDSHAKE_DONE",
        FrameType.Datagram or FrameType.DatagramWithLength => "DATAGRAM",
        _ when FrameType.IsStream(type) => "STREAM",
        _ => "UNKNOWN",
    };
}
