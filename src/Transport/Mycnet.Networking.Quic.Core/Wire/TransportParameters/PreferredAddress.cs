using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// The preferred_address transport parameter (RFC 9000 §18.2, §9.6): a server address per family, a
/// connection ID with sequence number 1 and its stateless reset token. A family the server does not
/// offer is sent as an all-zero address and port.
/// </summary>
internal sealed class PreferredAddress
{
    /// <summary>The encoded length without the connection ID: 4 + 2 + 16 + 2 + 1 + 16.</summary>
    public const int FixedLength = 41;

    /// <summary>Creates the parameter.</summary>
    /// <exception cref="ArgumentException">An address has the wrong family or the connection ID is empty.</exception>
    public PreferredAddress(IPEndPoint ipv4, IPEndPoint ipv6, ConnectionId connectionId, StatelessResetToken statelessResetToken)
    {
        ArgumentNullException.ThrowIfNull(ipv4);
        ArgumentNullException.ThrowIfNull(ipv6);
        if (ipv4.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("The IPv4 preferred address must be an IPv4 endpoint.", nameof(ipv4));
        }

        if (ipv6.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException("The IPv6 preferred address must be an IPv6 endpoint.", nameof(ipv6));
        }

        if (connectionId.IsEmpty)
        {
            throw new ArgumentException("A preferred address carries a non-empty connection ID (RFC 9000 §18.2).", nameof(connectionId));
        }

        IPv4 = ipv4;
        IPv6 = ipv6;
        ConnectionId = connectionId;
        StatelessResetToken = statelessResetToken;
    }

    /// <summary>The IPv4 address and port; 0.0.0.0:0 when not offered.</summary>
    public IPEndPoint IPv4 { get; }

    /// <summary>The IPv6 address and port; [::]:0 when not offered.</summary>
    public IPEndPoint IPv6 { get; }

    public ConnectionId ConnectionId { get; }

    public StatelessResetToken StatelessResetToken { get; }

    /// <summary>Whether an IPv4 address is offered (not all zeros).</summary>
    public bool HasIPv4 => IPv4.Port != 0 || !IPv4.Address.Equals(IPAddress.Any);

    /// <summary>Whether an IPv6 address is offered (not all zeros).</summary>
    public bool HasIPv6 => IPv6.Port != 0 || !IPv6.Address.Equals(IPAddress.IPv6Any);

    /// <summary>The encoded value length.</summary>
    public int EncodedLength => FixedLength + ConnectionId.Length;

    /// <summary>Writes the value (RFC 9000 §18.2 Figure 22).</summary>
    public void Write(ref WireWriter writer)
    {
        Span<byte> address = stackalloc byte[16];
        IPv4.Address.TryWriteBytes(address, out int written);
        writer.WriteBytes(address[..written]);
        writer.WriteUInt16((ushort)IPv4.Port);
        IPv6.Address.TryWriteBytes(address, out written);
        writer.WriteBytes(address[..written]);
        writer.WriteUInt16((ushort)IPv6.Port);
        ConnectionId id = ConnectionId;
        writer.WriteByte((byte)id.Length);
        writer.WriteBytes(id.Span);
        StatelessResetToken token = StatelessResetToken;
        writer.WriteBytes(token.Span);
    }

    /// <summary>Parses the value; null when it is malformed (wrong length, connection ID of 0 or more than 20 bytes).</summary>
    public static PreferredAddress? TryParse(ReadOnlySpan<byte> value)
    {
        var reader = new WireReader(value);
        if (!reader.TryReadBytes(4, out ReadOnlySpan<byte> v4)
            || !reader.TryReadUInt16(out ushort v4Port)
            || !reader.TryReadBytes(16, out ReadOnlySpan<byte> v6)
            || !reader.TryReadUInt16(out ushort v6Port)
            || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> id)
            || !reader.TryReadBytes(Wire.StatelessResetToken.Length, out ReadOnlySpan<byte> token)
            || !reader.IsEnd
            || id.IsEmpty
            || id.Length > ConnectionId.MaxLength)
        {
            return null;
        }

        return new PreferredAddress(
            new IPEndPoint(new IPAddress(v4), v4Port),
            new IPEndPoint(new IPAddress(v6), v6Port),
            new ConnectionId(id),
            new StatelessResetToken(token));
    }
}
