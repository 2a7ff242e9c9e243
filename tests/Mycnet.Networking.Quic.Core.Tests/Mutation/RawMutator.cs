using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Mutation.MutationBytes;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// Mutations of a protected datagram as it travels (no keys): bit flips, byte changes, truncation
/// at every length class, junk after the end, duplicated, reordered, dropped and replayed coalesced
/// packets, and edits of the header fields an attacker can see — version, connection ID lengths,
/// token length, Length, packet type bits, fixed bit, header form, and the protected bits (packet
/// number length, key phase, reserved) which header protection XORs, so a flip on the wire is a
/// flip after unmasking. Almost all of these must fail authentication and be dropped.
/// </summary>
internal static class RawMutator
{
    private readonly record struct PacketSlot(int Offset, int Length, bool IsLong, PacketType Type, int TokenLengthOffset, int LengthFieldOffset, int PnOffset, int DcidLength, int ScidLength);

    public static (byte[] Datagram, string Operator, string Detail) Mutate(Random random, byte[] datagram, int shortDcidLength, IReadOnlyList<byte[]> earlier)
    {
        List<PacketSlot> slots = Layout(datagram, shortDcidLength);
        int choice = random.Next(100);
        if (choice < 18)
        {
            int flips = random.Next(1, 5);
            byte[] copy = (byte[])datagram.Clone();
            var positions = new List<int>();
            for (int i = 0; i < flips; i++)
            {
                int position = random.Next(copy.Length);
                copy[position] ^= (byte)(1 << random.Next(8));
                positions.Add(position);
            }

            return (copy, "raw.bitflip", Format($"bits at {string.Join(',', positions)}"));
        }

        if (choice < 30)
        {
            byte[] copy = (byte[])datagram.Clone();
            int position = random.Next(copy.Length);
            byte value = random.Next(3) switch { 0 => 0x00, 1 => 0xff, _ => (byte)random.Next(256) };
            copy[position] = value;
            return (copy, "raw.byte", Format($"byte {position} = 0x{value:x2}"));
        }

        if (choice < 45)
        {
            int length = TruncationLength(random, datagram.Length, slots);
            return (datagram.AsSpan(0, length).ToArray(), "raw.truncate", Format($"to {length} of {datagram.Length}"));
        }

        if (choice < 53)
        {
            int extra = random.Next(3) switch { 0 => random.Next(1, 8), 1 => random.Next(8, 64), _ => random.Next(64, 1300) };
            byte[] junk = RandomBytes(random, extra);
            if (random.Next(2) == 0 && junk.Length > 0)
            {
                junk[0] |= 0x40; // looks like a short header (fixed bit set)
            }

            return ([.. datagram, .. junk], "raw.extend", Format($"{extra} junk bytes"));
        }

        if (choice < 60 && slots.Count > 0)
        {
            return CoalescedEdit(random, datagram, slots);
        }

        if (choice < 66 && earlier.Count > 0)
        {
            byte[] old = earlier[random.Next(earlier.Count)];
            return random.Next(2) == 0
                ? ((byte[])old.Clone(), "raw.replay", Format($"an earlier datagram of {old.Length} bytes"))
                : ([.. old, .. datagram], "raw.replay-coalesced", Format($"an earlier datagram of {old.Length} bytes before this one"));
        }

        if (slots.Count == 0)
        {
            byte[] copy = (byte[])datagram.Clone();
            copy[0] ^= (byte)(1 << random.Next(8));
            return (copy, "raw.bitflip", "first byte");
        }

        return HeaderEdit(random, datagram, slots[random.Next(slots.Count)]);
    }

    private static int TruncationLength(Random random, int length, List<PacketSlot> slots)
    {
        PacketSlot first = slots.Count > 0 ? slots[0] : new PacketSlot(0, length, false, PacketType.OneRtt, -1, -1, Math.Min(length, 9), 8, 0);
        int candidate = random.Next(9) switch
        {
            0 => 0,
            1 => 1,
            2 => random.Next(1, Math.Max(2, first.PnOffset)), // inside the header
            3 => Math.Min(length, first.PnOffset + random.Next(0, 5)), // at the packet number
            4 => Math.Min(length, first.PnOffset + 4 + random.Next(0, 17)), // inside the header protection sample
            5 => Math.Max(0, first.Offset + first.Length - random.Next(1, 17)), // inside the AEAD tag
            6 => slots.Count > 1 ? slots[random.Next(1, slots.Count)].Offset + random.Next(-1, 2) : length - 1, // at a coalescing boundary
            7 => length - 1,
            _ => random.Next(length),
        };
        return Math.Clamp(candidate, 0, Math.Max(0, length - 1));
    }

    private static (byte[], string, string) CoalescedEdit(Random random, byte[] datagram, List<PacketSlot> slots)
    {
        PacketSlot slot = slots[random.Next(slots.Count)];
        ReadOnlySpan<byte> packet = datagram.AsSpan(slot.Offset, slot.Length);
        switch (random.Next(slots.Count > 1 ? 3 : 1))
        {
            case 0:
                return (Splice(datagram, slot.Offset + slot.Length, 0, packet), "raw.coalesced-duplicate", Format($"packet at {slot.Offset} twice"));
            case 1:
                return (Splice(datagram, slot.Offset, slot.Length, default), "raw.coalesced-drop", Format($"packet at {slot.Offset} removed"));
            default:
                PacketSlot a = slots[0];
                PacketSlot b = slots[random.Next(1, slots.Count)];
                byte[] swapped = [.. datagram.AsSpan(b.Offset, b.Length), .. datagram.AsSpan(a.Offset + a.Length, b.Offset - a.Offset - a.Length), .. datagram.AsSpan(a.Offset, a.Length), .. datagram.AsSpan(b.Offset + b.Length)];
                return (swapped, "raw.coalesced-reorder", Format($"packets at {a.Offset} and {b.Offset} swapped"));
        }
    }

    private static (byte[], string, string) HeaderEdit(Random random, byte[] datagram, PacketSlot slot)
    {
        byte[] copy = (byte[])datagram.Clone();
        int o = slot.Offset;
        if (!slot.IsLong)
        {
            switch (random.Next(5))
            {
                case 0:
                    copy[o] ^= 0x80;
                    return (copy, "raw.header-form", "short header turned long");
                case 1:
                    copy[o] ^= 0x40;
                    return (copy, "raw.fixed-bit", "fixed bit flipped");
                case 2:
                    copy[o] ^= (byte)(0x01 << random.Next(5)); // packet number length, key phase, reserved bits
                    return (copy, "raw.protected-bits", Format($"first byte 0x{datagram[o]:x2} -> 0x{copy[o]:x2}"));
                case 3:
                    copy[o] ^= 0x20;
                    return (copy, "raw.spin-bit", "spin bit flipped");
                default:
                    int position = o + 1 + random.Next(Math.Max(1, slot.DcidLength));
                    copy[position] ^= (byte)random.Next(1, 256);
                    return (copy, "raw.dcid", Format($"DCID byte {position - o - 1}"));
            }
        }

        switch (random.Next(9))
        {
            case 0:
                uint version = random.Next(5) switch { 0 => 0, 1 => 0xff00001d, 2 => 0x00000002, 3 => 0x1a2a3a4a, _ => (uint)random.NextInt64(0, uint.MaxValue) };
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(o + 1), version);
                return (copy, "raw.version", Format($"version 0x{version:x8}"));
            case 1:
                copy[o + 5] = ConnectionIdLength(random, slot.DcidLength);
                return (copy, "raw.dcid-length", Format($"DCID length {slot.DcidLength} -> {copy[o + 5]}"));
            case 2:
                int scidLengthOffset = o + 6 + slot.DcidLength;
                copy[scidLengthOffset] = ConnectionIdLength(random, slot.ScidLength);
                return (copy, "raw.scid-length", Format($"SCID length {slot.ScidLength} -> {copy[scidLengthOffset]}"));
            case 3 when slot.TokenLengthOffset >= 0:
                return ReplaceVarInt(random, datagram, slot.TokenLengthOffset, "raw.token-length");
            case 4 when slot.LengthFieldOffset >= 0:
                return ReplaceVarInt(random, datagram, slot.LengthFieldOffset, "raw.length-field");
            case 5:
                int type = ((int)slot.Type + random.Next(1, 4)) % 4; // another long-header type
                copy[o] = (byte)((copy[o] & ~0x30) | (type << 4));
                return (copy, "raw.packet-type", Format($"type bits {(int)slot.Type} -> {type}"));
            case 6:
                copy[o] ^= 0x40;
                return (copy, "raw.fixed-bit", "fixed bit flipped");
            case 7:
                copy[o] ^= (byte)(0x01 << random.Next(4)); // packet number length, reserved bits
                return (copy, "raw.protected-bits", Format($"first byte 0x{datagram[o]:x2} -> 0x{copy[o]:x2}"));
            default:
                copy[o] ^= 0x80;
                return (copy, "raw.header-form", "long header turned short");
        }
    }

    private static byte ConnectionIdLength(Random random, int original) => random.Next(6) switch
    {
        0 => 0,
        1 => (byte)Math.Max(0, original - 1),
        2 => (byte)(original + 1),
        3 => 20,
        4 => 21,
        _ => 255,
    };

    private static (byte[], string, string) ReplaceVarInt(Random random, byte[] datagram, int offset, string name)
    {
        VarInt.TryRead(datagram.AsSpan(offset), out ulong value, out int size);
        ulong replacement = random.Next(6) switch
        {
            0 => 0,
            1 => value + 1,
            2 => value == 0 ? 1 : value - 1,
            3 => value + (ulong)random.Next(2, 200),
            4 => 16383,
            _ => InterestingValue(random, value),
        };
        int newSize = random.Next(3) == 0 ? size : 0;
        byte[] encoded = VarIntBytes(replacement, newSize);
        return (Splice(datagram, offset, size, encoded), name, Format($"{value} -> {replacement} ({encoded.Length}-byte varint)"));
    }

    private static List<PacketSlot> Layout(byte[] datagram, int shortDcidLength)
    {
        var slots = new List<PacketSlot>(3);
        int offset = 0;
        while (offset < datagram.Length && PacketHeader.TryParse(datagram.AsSpan(offset), shortDcidLength, out PacketHeader header) && header.PacketLength > 0)
        {
            int dcid = header.DestinationConnectionId.Length;
            int scid = header.SourceConnectionId.Length;
            int tokenLengthOffset = -1;
            int lengthOffset = -1;
            if (header.IsLongHeader && header.HasPacketNumber)
            {
                int position = offset + 7 + dcid + scid;
                if (header.Type == PacketType.Initial)
                {
                    tokenLengthOffset = position;
                    position += VarInt.GetLengthFromFirstByte(datagram[position]) + header.Token.Length;
                }

                lengthOffset = position;
            }

            int pnOffset = header.HasPacketNumber ? header.PacketNumberOffset : Math.Min(header.PacketLength, 7 + dcid + scid);
            slots.Add(new PacketSlot(offset, header.PacketLength, header.IsLongHeader, header.Type, tokenLengthOffset, lengthOffset, pnOffset, dcid, scid));
            offset += header.PacketLength;
        }

        return slots;
    }
}
