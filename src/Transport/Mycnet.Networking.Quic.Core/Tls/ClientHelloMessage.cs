using System.Text;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// ClientHello (RFC 9846 §4.2.2) with the extensions this engine understands decoded: server_name
/// (RFC 6066 §3), supported_versions, supported_groups, signature_algorithms, key_share, ALPN
/// (RFC 7301), cookie and quic_transport_parameters (RFC 9001 §8.2). Every other extension is kept
/// in <see cref="OtherExtensions"/> and, being a request, ignored by the server unless recognized.
/// <see cref="Encode"/> writes the decoded fields in a fixed order, then <see cref="OtherExtensions"/>.
/// </summary>
internal sealed class ClientHelloMessage
{
    public const int RandomLength = 32;
    public const int MaxSessionIdLength = 32;
    public const ushort LegacyVersion = 0x0303;
    public const ushort Tls13Version = 0x0304;

    public required byte[] Random { get; init; }

    public byte[] LegacySessionId { get; init; } = [];

    public required IReadOnlyList<ushort> CipherSuites { get; init; }

    /// <summary>The host_name of server_name, as received (ASCII).</summary>
    public string? ServerName { get; init; }

    public IReadOnlyList<ushort>? SupportedVersions { get; init; }

    public IReadOnlyList<ushort>? SupportedGroups { get; init; }

    public IReadOnlyList<ushort>? SignatureAlgorithms { get; init; }

    public IReadOnlyList<KeyShareEntry>? KeyShares { get; init; }

    public IReadOnlyList<byte[]>? ApplicationProtocols { get; init; }

    public byte[]? TransportParameters { get; init; }

    public byte[]? Cookie { get; init; }

    /// <summary>Extensions not decoded above, in wire order (written after the decoded ones).</summary>
    public IReadOnlyList<TlsExtension> OtherExtensions { get; init; } = [];

    /// <summary>A copy for the second ClientHello after a HelloRetryRequest (RFC 9846 §4.2.2): new shares, the cookie, no early_data.</summary>
    public ClientHelloMessage WithRetry(IReadOnlyList<KeyShareEntry> keyShares, byte[]? cookie)
    {
        var others = new List<TlsExtension>(OtherExtensions.Count);
        foreach (TlsExtension extension in OtherExtensions)
        {
            if (extension.Type != (ushort)TlsExtensionType.EarlyData)
            {
                others.Add(extension);
            }
        }

        return new ClientHelloMessage
        {
            Random = Random,
            LegacySessionId = LegacySessionId,
            CipherSuites = CipherSuites,
            ServerName = ServerName,
            SupportedVersions = SupportedVersions,
            SupportedGroups = SupportedGroups,
            SignatureAlgorithms = SignatureAlgorithms,
            KeyShares = keyShares,
            ApplicationProtocols = ApplicationProtocols,
            TransportParameters = TransportParameters,
            Cookie = cookie,
            OtherExtensions = others,
        };
    }

    /// <summary>The whole handshake message, header included.</summary>
    public byte[] Encode()
    {
        var builder = new TlsMessageBuilder(512);
        TlsMessageBuilder.Mark message = builder.BeginMessage(TlsHandshakeType.ClientHello);
        builder.WriteUInt16(LegacyVersion);
        builder.WriteBytes(Random);
        builder.WriteVector8(LegacySessionId);
        TlsMessageBuilder.Mark suites = builder.BeginVector(2);
        foreach (ushort suite in CipherSuites)
        {
            builder.WriteUInt16(suite);
        }

        builder.EndVector(suites);
        builder.WriteVector8([0]); // legacy_compression_methods: null only (RFC 9846 §4.2.2)

        TlsMessageBuilder.Mark extensions = builder.BeginVector(2);
        if (ServerName is not null)
        {
            // RFC 6066 §3: server_name_list with one host_name entry.
            TlsMessageBuilder.Mark extension = builder.BeginExtension(TlsExtensionType.ServerName);
            TlsMessageBuilder.Mark list = builder.BeginVector(2);
            builder.WriteByte(0);
            builder.WriteVector16(Encoding.ASCII.GetBytes(ServerName));
            builder.EndVector(list);
            builder.EndVector(extension);
        }

        if (SupportedVersions is not null)
        {
            TlsMessageBuilder.Mark extension = builder.BeginExtension(TlsExtensionType.SupportedVersions);
            TlsMessageBuilder.Mark list = builder.BeginVector(1);
            foreach (ushort version in SupportedVersions)
            {
                builder.WriteUInt16(version);
            }

            builder.EndVector(list);
            builder.EndVector(extension);
        }

        if (SupportedGroups is not null)
        {
            TlsExtensionBlock.WriteUInt16List(builder, TlsExtensionType.SupportedGroups, SupportedGroups);
        }

        if (SignatureAlgorithms is not null)
        {
            TlsExtensionBlock.WriteUInt16List(builder, TlsExtensionType.SignatureAlgorithms, SignatureAlgorithms);
        }

        if (ApplicationProtocols is not null)
        {
            TlsExtensionBlock.WriteProtocolNames(builder, ApplicationProtocols);
        }

        if (KeyShares is not null)
        {
            TlsMessageBuilder.Mark extension = builder.BeginExtension(TlsExtensionType.KeyShare);
            TlsMessageBuilder.Mark list = builder.BeginVector(2);
            foreach (KeyShareEntry entry in KeyShares)
            {
                entry.WriteTo(builder);
            }

            builder.EndVector(list);
            builder.EndVector(extension);
        }

        if (Cookie is not null)
        {
            TlsMessageBuilder.Mark extension = builder.BeginExtension(TlsExtensionType.Cookie);
            builder.WriteVector16(Cookie);
            builder.EndVector(extension);
        }

        if (TransportParameters is not null)
        {
            builder.WriteExtension(TlsExtensionType.QuicTransportParameters, TransportParameters);
        }

        TlsExtensionBlock.WriteRaw(builder, OtherExtensions);
        builder.EndVector(extensions);
        builder.EndVector(message);
        return builder.ToArray();
    }

    /// <summary>Parses a ClientHello body (after the 4-byte handshake header).</summary>
    public static ClientHelloMessage Parse(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        if (!reader.TryReadUInt16(out _) || !reader.TryReadBytes(RandomLength, out ReadOnlySpan<byte> random))
        {
            throw TlsAlertException.Decode("The ClientHello is truncated.");
        }

        if (!reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> sessionId) || sessionId.Length > MaxSessionIdLength)
        {
            throw TlsAlertException.Decode("The ClientHello legacy_session_id is malformed.");
        }

        if (!reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> suiteBytes) || suiteBytes.IsEmpty || suiteBytes.Length % 2 != 0)
        {
            throw TlsAlertException.Decode("The ClientHello cipher_suites list is malformed.");
        }

        if (!reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> compression) || compression.IsEmpty)
        {
            throw TlsAlertException.Decode("The ClientHello legacy_compression_methods list is malformed.");
        }

        if (compression.Length != 1 || compression[0] != 0)
        {
            // RFC 9846 §4.2.2: a TLS 1.3 ClientHello offers only the null compression method.
            throw TlsAlertException.Illegal("The ClientHello offers compression methods other than null.");
        }

        List<TlsExtension> extensions = reader.IsEnd
            ? []
            : TlsExtensionBlock.Read(ref reader, TlsExtensionMessages.ClientHello, "ClientHello");
        if (!reader.IsEnd)
        {
            throw TlsAlertException.Decode("The ClientHello has trailing bytes.");
        }

        var suites = new List<ushort>(suiteBytes.Length / 2);
        var suiteReader = new WireReader(suiteBytes);
        while (suiteReader.TryReadUInt16(out ushort suite))
        {
            suites.Add(suite);
        }

        string? serverName = null;
        List<ushort>? versions = null;
        List<ushort>? groups = null;
        List<ushort>? signatures = null;
        List<KeyShareEntry>? shares = null;
        List<byte[]>? protocols = null;
        byte[]? transportParameters = null;
        byte[]? cookie = null;
        var others = new List<TlsExtension>();
        for (int i = 0; i < extensions.Count; i++)
        {
            TlsExtension extension = extensions[i];
            switch ((TlsExtensionType)extension.Type)
            {
                case TlsExtensionType.ServerName:
                    serverName = ParseServerName(extension.Data);
                    break;
                case TlsExtensionType.SupportedVersions:
                    versions = ParseSupportedVersions(extension.Data);
                    break;
                case TlsExtensionType.SupportedGroups:
                    groups = TlsExtensionBlock.ReadUInt16List(extension.Data, TlsExtensionType.SupportedGroups);
                    break;
                case TlsExtensionType.SignatureAlgorithms:
                    signatures = TlsExtensionBlock.ReadUInt16List(extension.Data, TlsExtensionType.SignatureAlgorithms);
                    break;
                case TlsExtensionType.KeyShare:
                    shares = ParseKeyShares(extension.Data);
                    break;
                case TlsExtensionType.ApplicationLayerProtocolNegotiation:
                    protocols = TlsExtensionBlock.ReadProtocolNames(extension.Data);
                    break;
                case TlsExtensionType.QuicTransportParameters:
                    transportParameters = extension.Data;
                    break;
                case TlsExtensionType.Cookie:
                    cookie = ParseCookie(extension.Data);
                    break;
                case TlsExtensionType.PreSharedKey when i != extensions.Count - 1:
                    // RFC 9846 §4.3: pre_shared_key MUST be the last extension of the ClientHello.
                    throw TlsAlertException.Illegal("The ClientHello pre_shared_key extension is not the last extension.");
                default:
                    others.Add(extension);
                    break;
            }
        }

        return new ClientHelloMessage
        {
            Random = random.ToArray(),
            LegacySessionId = sessionId.ToArray(),
            CipherSuites = suites,
            ServerName = serverName,
            SupportedVersions = versions,
            SupportedGroups = groups,
            SignatureAlgorithms = signatures,
            KeyShares = shares,
            ApplicationProtocols = protocols,
            TransportParameters = transportParameters,
            Cookie = cookie,
            OtherExtensions = others,
        };
    }

    /// <summary>Parses the cookie extension (RFC 9846 §4.3.2): <c>opaque cookie&lt;1..2^16-1&gt;</c>.</summary>
    internal static byte[] ParseCookie(ReadOnlySpan<byte> data)
    {
        var reader = new WireReader(data);
        if (!reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> cookie) || cookie.IsEmpty)
        {
            throw TlsAlertException.Decode("The cookie extension is malformed.");
        }

        TlsExtensionBlock.EnsureEnd(reader, TlsExtensionType.Cookie);
        return cookie.ToArray();
    }

    private static string ParseServerName(ReadOnlySpan<byte> data)
    {
        // RFC 6066 §3: ServerNameList server_name_list<1..2^16-1>, one entry per name type.
        var reader = new WireReader(data);
        if (!reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> list) || list.IsEmpty)
        {
            throw TlsAlertException.Decode("The server_name extension is malformed.");
        }

        TlsExtensionBlock.EnsureEnd(reader, TlsExtensionType.ServerName);
        string? hostName = null;
        var entries = new WireReader(list);
        while (!entries.IsEnd)
        {
            if (!entries.TryReadByte(out byte nameType) || !entries.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> name) || name.IsEmpty)
            {
                throw TlsAlertException.Decode("A server_name entry is malformed.");
            }

            if (nameType != 0)
            {
                continue;
            }

            if (hostName is not null)
            {
                throw TlsAlertException.Illegal("The server_name extension names more than one host.");
            }

            hostName = DecodeHostName(name);
        }

        return hostName ?? throw TlsAlertException.Illegal("The server_name extension carries no host_name.");
    }

    private static string DecodeHostName(ReadOnlySpan<byte> name)
    {
        // RFC 6066 §3: an ASCII host name without a trailing dot; IP literals are not permitted.
        // A DNS name is at most 255 bytes (RFC 1035 §2.3.4); anything longer names no host.
        if (name.Length > 255)
        {
            throw TlsAlertException.Illegal($"The server_name host name is {name.Length} bytes long; at most 255 are allowed.");
        }

        foreach (byte b in name)
        {
            if (b is <= 0x20 or >= 0x7F)
            {
                throw TlsAlertException.Illegal("The server_name host name holds bytes that are not printable ASCII.");
            }
        }

        if (name[^1] == (byte)'.')
        {
            throw TlsAlertException.Illegal("The server_name host name ends with a dot.");
        }

        return Encoding.ASCII.GetString(name);
    }

    private static List<ushort> ParseSupportedVersions(ReadOnlySpan<byte> data)
    {
        // RFC 9846 §4.3.1: ProtocolVersion versions<2..254>.
        var reader = new WireReader(data);
        if (!reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> list) || list.IsEmpty || list.Length % 2 != 0)
        {
            throw TlsAlertException.Decode("The supported_versions extension is malformed.");
        }

        TlsExtensionBlock.EnsureEnd(reader, TlsExtensionType.SupportedVersions);
        var versions = new List<ushort>(list.Length / 2);
        var items = new WireReader(list);
        while (items.TryReadUInt16(out ushort version))
        {
            versions.Add(version);
        }

        return versions;
    }

    private static List<KeyShareEntry> ParseKeyShares(ReadOnlySpan<byte> data)
    {
        // RFC 9846 §4.3.8: KeyShareEntry client_shares<0..2^16-1>; one share per group at most.
        var reader = new WireReader(data);
        if (!reader.TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> list))
        {
            throw TlsAlertException.Decode("The key_share extension is malformed.");
        }

        TlsExtensionBlock.EnsureEnd(reader, TlsExtensionType.KeyShare);
        var shares = new List<KeyShareEntry>();
        var groups = new HashSet<ushort>();
        var items = new WireReader(list);
        while (!items.IsEnd)
        {
            if (!KeyShareEntry.TryRead(ref items, out KeyShareEntry entry))
            {
                throw TlsAlertException.Decode("A key_share entry is malformed.");
            }

            if (!groups.Add(entry.Group))
            {
                throw TlsAlertException.Illegal($"The key_share extension offers group 0x{entry.Group:x4} twice.");
            }

            shares.Add(entry);
        }

        return shares;
    }
}
