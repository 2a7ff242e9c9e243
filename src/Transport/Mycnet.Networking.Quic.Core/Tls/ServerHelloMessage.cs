using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// ServerHello and HelloRetryRequest (RFC 9846 §4.2.3 and §4.2.4): one structure, told apart by the
/// special Random value. A ServerHello carries supported_versions and key_share (a KeyShareEntry);
/// a HelloRetryRequest carries supported_versions, key_share (only the selected group) and optionally
/// cookie. Other extensions stay in <see cref="OtherExtensions"/> for the client to refuse.
/// </summary>
internal sealed class ServerHelloMessage
{
    /// <summary>SHA-256("HelloRetryRequest"), the Random of every HelloRetryRequest (RFC 9846 §4.2.3).</summary>
    public static ReadOnlySpan<byte> HelloRetryRequestRandom =>
    [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ];

    public ushort LegacyVersion { get; init; } = ClientHelloMessage.LegacyVersion;

    public required byte[] Random { get; init; }

    public byte[] LegacySessionIdEcho { get; init; } = [];

    public required ushort CipherSuite { get; init; }

    /// <summary>supported_versions' selected_version, or null when absent.</summary>
    public ushort? SelectedVersion { get; init; }

    /// <summary>The server's share (ServerHello only).</summary>
    public KeyShareEntry? KeyShare { get; init; }

    /// <summary>The group the client must share next (HelloRetryRequest only).</summary>
    public ushort? SelectedGroup { get; init; }

    /// <summary>The cookie to echo (HelloRetryRequest only).</summary>
    public byte[]? Cookie { get; init; }

    /// <summary>Extensions not decoded above, in wire order.</summary>
    public IReadOnlyList<TlsExtension> OtherExtensions { get; init; } = [];

    public bool IsHelloRetryRequest => Random.AsSpan().SequenceEqual(HelloRetryRequestRandom);

    /// <summary>The whole handshake message, header included.</summary>
    public byte[] Encode()
    {
        bool retry = IsHelloRetryRequest;
        var builder = new TlsMessageBuilder(160);
        TlsMessageBuilder.Mark message = builder.BeginMessage(TlsHandshakeType.ServerHello);
        builder.WriteUInt16(LegacyVersion);
        builder.WriteBytes(Random);
        builder.WriteVector8(LegacySessionIdEcho);
        builder.WriteUInt16(CipherSuite);
        builder.WriteByte(0); // legacy_compression_method
        TlsMessageBuilder.Mark extensions = builder.BeginVector(2);
        if (SelectedVersion is ushort version)
        {
            TlsMessageBuilder.Mark extension = builder.BeginExtension(TlsExtensionType.SupportedVersions);
            builder.WriteUInt16(version);
            builder.EndVector(extension);
        }

        if (!retry && KeyShare is KeyShareEntry share)
        {
            TlsMessageBuilder.Mark extension = builder.BeginExtension(TlsExtensionType.KeyShare);
            share.WriteTo(builder);
            builder.EndVector(extension);
        }

        if (retry && SelectedGroup is ushort group)
        {
            TlsMessageBuilder.Mark extension = builder.BeginExtension(TlsExtensionType.KeyShare);
            builder.WriteUInt16(group);
            builder.EndVector(extension);
        }

        if (retry && Cookie is not null)
        {
            TlsMessageBuilder.Mark extension = builder.BeginExtension(TlsExtensionType.Cookie);
            builder.WriteVector16(Cookie);
            builder.EndVector(extension);
        }

        TlsExtensionBlock.WriteRaw(builder, OtherExtensions);
        builder.EndVector(extensions);
        builder.EndVector(message);
        return builder.ToArray();
    }

    /// <summary>Parses a ServerHello or HelloRetryRequest body (after the 4-byte handshake header).</summary>
    public static ServerHelloMessage Parse(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        if (!reader.TryReadUInt16(out ushort legacyVersion)
            || !reader.TryReadBytes(ClientHelloMessage.RandomLength, out ReadOnlySpan<byte> random)
            || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> sessionId)
            || !reader.TryReadUInt16(out ushort suite)
            || !reader.TryReadByte(out byte compression))
        {
            throw TlsAlertException.Decode("The ServerHello is truncated.");
        }

        if (sessionId.Length > ClientHelloMessage.MaxSessionIdLength)
        {
            throw TlsAlertException.Decode("The ServerHello legacy_session_id_echo is longer than 32 bytes.");
        }

        if (compression != 0)
        {
            throw TlsAlertException.Illegal("The ServerHello selects a compression method other than null.");
        }

        bool retry = random.SequenceEqual(HelloRetryRequestRandom);
        string name = retry ? "HelloRetryRequest" : "ServerHello";
        List<TlsExtension> extensions = reader.IsEnd
            ? []
            : TlsExtensionBlock.Read(ref reader, retry ? TlsExtensionMessages.HelloRetryRequest : TlsExtensionMessages.ServerHello, name);
        if (!reader.IsEnd)
        {
            throw TlsAlertException.Decode($"The {name} has trailing bytes.");
        }

        ushort? selectedVersion = null;
        KeyShareEntry? share = null;
        ushort? selectedGroup = null;
        byte[]? cookie = null;
        var others = new List<TlsExtension>();
        foreach (TlsExtension extension in extensions)
        {
            var data = new WireReader(extension.Data);
            switch ((TlsExtensionType)extension.Type)
            {
                case TlsExtensionType.SupportedVersions:
                    if (!data.TryReadUInt16(out ushort version))
                    {
                        throw TlsAlertException.Decode($"The {name} supported_versions extension is malformed.");
                    }

                    TlsExtensionBlock.EnsureEnd(data, TlsExtensionType.SupportedVersions);
                    selectedVersion = version;
                    break;
                case TlsExtensionType.KeyShare when retry:
                    if (!data.TryReadUInt16(out ushort group))
                    {
                        throw TlsAlertException.Decode("The HelloRetryRequest key_share extension is malformed.");
                    }

                    TlsExtensionBlock.EnsureEnd(data, TlsExtensionType.KeyShare);
                    selectedGroup = group;
                    break;
                case TlsExtensionType.KeyShare:
                    if (!KeyShareEntry.TryRead(ref data, out KeyShareEntry entry))
                    {
                        throw TlsAlertException.Decode("The ServerHello key_share extension is malformed.");
                    }

                    TlsExtensionBlock.EnsureEnd(data, TlsExtensionType.KeyShare);
                    share = entry;
                    break;
                case TlsExtensionType.Cookie:
                    cookie = ClientHelloMessage.ParseCookie(extension.Data);
                    break;
                default:
                    others.Add(extension);
                    break;
            }
        }

        return new ServerHelloMessage
        {
            LegacyVersion = legacyVersion,
            Random = random.ToArray(),
            LegacySessionIdEcho = sessionId.ToArray(),
            CipherSuite = suite,
            SelectedVersion = selectedVersion,
            KeyShare = share,
            SelectedGroup = selectedGroup,
            Cookie = cookie,
            OtherExtensions = others,
        };
    }
}
