namespace Mycnet.Networking.Quic.Core.Tests.Wire;

/// <summary>Seeded random inputs and mutations of valid encodings, for the parser fuzz tests.</summary>
internal sealed class Mutator
{
    private readonly Random _random;

    public Mutator(int seed) => _random = new Random(seed);

    public Random Random => _random;

    /// <summary>Random bytes, biased toward short inputs and toward bytes that look like varint prefixes.</summary>
    public byte[] RandomBytes(int maxLength)
    {
        byte[] bytes = new byte[_random.Next(0, maxLength + 1)];
        _random.NextBytes(bytes);
        if (bytes.Length > 0 && _random.Next(4) == 0)
        {
            bytes[_random.Next(bytes.Length)] = (byte)(_random.Next(4) << 6);
        }

        return bytes;
    }

    /// <summary>One to three random edits of <paramref name="valid"/>.</summary>
    public byte[] Mutate(byte[] valid)
    {
        var bytes = new List<byte>(valid);
        int edits = _random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            int position = bytes.Count == 0 ? 0 : _random.Next(bytes.Count);
            switch (_random.Next(8))
            {
                case 0 when bytes.Count > 0:
                    bytes[position] ^= (byte)(1 << _random.Next(8)); // bit flip
                    break;
                case 1 when bytes.Count > 0:
                    bytes[position] = (byte)_random.Next(256); // random byte
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(position, bytes.Count - position); // truncate
                    break;
                case 3:
                    bytes.Insert(position, (byte)_random.Next(256)); // insert
                    break;
                case 4 when bytes.Count > 0:
                    bytes.RemoveAt(position); // delete
                    break;
                case 5 when bytes.Count > 0:
                    bytes[position] = (byte)((_random.Next(4) << 6) | (bytes[position] & 0x3F)); // change a varint's width
                    break;
                case 6:
                    for (int i = _random.Next(1, 9); i > 0; i--)
                    {
                        bytes.Add((byte)_random.Next(256)); // append garbage
                    }

                    break;
                default:
                    if (bytes.Count > 0)
                    {
                        bytes[position] = _random.Next(2) == 0 ? (byte)0xFF : (byte)0x00; // extremes
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
