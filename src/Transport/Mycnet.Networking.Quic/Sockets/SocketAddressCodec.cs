using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.Quic.Sockets;

/// <summary>Writes and reads Linux socket addresses (sockaddr_in, sockaddr_in6) without allocating.</summary>
internal static class SocketAddressCodec
{
    /// <summary>
    /// Writes <paramref name="endPoint"/> as the socket's family expects: a dual-stack or IPv6 socket
    /// takes sockaddr_in6 (IPv4 mapped), an IPv4 socket sockaddr_in. Returns the length written.
    /// </summary>
    public static int Write(IPEndPoint endPoint, bool ipv6Socket, Span<byte> destination)
    {
        IPAddress address = endPoint.Address;
        if (!ipv6Socket)
        {
            destination[..LinuxSocketNative.SockAddrInSize].Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(destination, LinuxSocketNative.AfInet);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)endPoint.Port);
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            address.TryWriteBytes(destination.Slice(4, 4), out _);
            return LinuxSocketNative.SockAddrInSize;
        }

        destination[..LinuxSocketNative.SockAddrIn6Size].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(destination, LinuxSocketNative.AfInet6);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)endPoint.Port);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2).
            destination[18] = 0xff;
            destination[19] = 0xff;
            address.TryWriteBytes(destination.Slice(20, 4), out _);
        }
        else
        {
            address.TryWriteBytes(destination.Slice(8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], (uint)address.ScopeId);
        }

        return LinuxSocketNative.SockAddrIn6Size;
    }

    /// <summary>The raw key of a received socket address; false when it is neither IPv4 nor IPv6.</summary>
    public static bool TryReadKey(ReadOnlySpan<byte> sockaddr, out RawAddressKey key)
    {
        key = default;
        if (sockaddr.Length < 2)
        {
            return false;
        }

        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(sockaddr);
        if (family == LinuxSocketNative.AfInet && sockaddr.Length >= LinuxSocketNative.SockAddrInSize)
        {
            key = new RawAddressKey(0, BinaryPrimitives.ReadUInt32LittleEndian(sockaddr[4..]), BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]), family, 0);
            return true;
        }

        if (family == LinuxSocketNative.AfInet6 && sockaddr.Length >= LinuxSocketNative.SockAddrIn6Size)
        {
            key = new RawAddressKey(
                BinaryPrimitives.ReadUInt64LittleEndian(sockaddr[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(sockaddr[16..]),
                BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]),
                family,
                BinaryPrimitives.ReadUInt32LittleEndian(sockaddr[24..]));
            return true;
        }

        return false;
    }

    /// <summary>Makes the <see cref="IPEndPoint"/> a key stands for.</summary>
    public static IPEndPoint ToEndPoint(in RawAddressKey key)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (key.Family == LinuxSocketNative.AfInet)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)key.Low);
            return new IPEndPoint(new IPAddress(bytes[..4]), key.Port);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(bytes, key.High);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], key.Low);
        return new IPEndPoint(new IPAddress(bytes, key.ScopeId), key.Port);
    }
}

/// <summary>A socket address as plain values, to look up a cached <see cref="IPEndPoint"/> without allocating.</summary>
internal readonly record struct RawAddressKey(ulong High, ulong Low, ushort Port, ushort Family, uint ScopeId);

/// <summary>
/// Received addresses mapped to <see cref="IPEndPoint"/> objects, so a steady flow allocates none
/// and the engine sees the same object for the same address. Bounded: emptied when it grows past
/// <see cref="MaxEntries"/>. Used by one receive loop only.
/// </summary>
internal sealed class EndPointCache
{
    private const int MaxEntries = 4096;

    private readonly Dictionary<RawAddressKey, IPEndPoint> _entries = [];
    private RawAddressKey _lastKey;
    private IPEndPoint? _last;

    public IPEndPoint Get(in RawAddressKey key)
    {
        if (_last is not null && key == _lastKey)
        {
            return _last;
        }

        if (!_entries.TryGetValue(key, out IPEndPoint? endPoint))
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            endPoint = SocketAddressCodec.ToEndPoint(key);
            _entries[key] = endPoint;
        }

        _lastKey = key;
        _last = endPoint;
        return endPoint;
    }
}
