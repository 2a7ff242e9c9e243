using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// EncryptedExtensions (RFC 9846 §4.4.1): the server's answers that are not needed to derive the
/// handshake keys. Decoded here: ALPN (RFC 7301 §3.1: exactly one protocol), quic_transport_parameters
/// (RFC 9001 §8.2) and an empty server_name acknowledgement (RFC 6066 §3). Everything else stays in
/// <see cref="OtherExtensions"/> for the client to check against what it asked for.
/// </summary>
internal sealed class EncryptedExtensionsMessage
{
    public byte[]? ApplicationProtocol { get; init; }

    public byte[]? TransportParameters { get; init; }

    public bool AcknowledgesServerName { get; init; }

    public IReadOnlyList<TlsExtension> OtherExtensions { get; init; } = [];

    public byte[] Encode()
    {
        var builder = new TlsMessageBuilder(64 + (TransportParameters?.Length ?? 0));
        TlsMessageBuilder.Mark message = builder.BeginMessage(TlsHandshakeType.EncryptedExtensions);
        TlsMessageBuilder.Mark extensions = builder.BeginVector(2);
        if (AcknowledgesServerName)
        {
            builder.WriteExtension(TlsExtensionType.ServerName, []);
        }

        if (ApplicationProtocol is not null)
        {
            TlsExtensionBlock.WriteProtocolNames(builder, [ApplicationProtocol]);
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

    public static EncryptedExtensionsMessage Parse(ReadOnlySpan<byte> body)
    {
        var reader = new WireReader(body);
        List<TlsExtension> extensions = TlsExtensionBlock.Read(ref reader, TlsExtensionMessages.EncryptedExtensions, "EncryptedExtensions");
        if (!reader.IsEnd)
        {
            throw TlsAlertException.Decode("The EncryptedExtensions message has trailing bytes.");
        }

        byte[]? protocol = null;
        byte[]? transportParameters = null;
        bool serverName = false;
        var others = new List<TlsExtension>();
        foreach (TlsExtension extension in extensions)
        {
            switch ((TlsExtensionType)extension.Type)
            {
                case TlsExtensionType.ApplicationLayerProtocolNegotiation:
                    List<byte[]> names = TlsExtensionBlock.ReadProtocolNames(extension.Data);
                    if (names.Count != 1)
                    {
                        throw TlsAlertException.Illegal($"The server selected {names.Count} application protocols; it must select exactly one.");
                    }

                    protocol = names[0];
                    break;
                case TlsExtensionType.QuicTransportParameters:
                    transportParameters = extension.Data;
                    break;
                case TlsExtensionType.ServerName:
                    if (extension.Data.Length != 0)
                    {
                        throw TlsAlertException.Decode("The server's server_name acknowledgement is not empty.");
                    }

                    serverName = true;
                    break;
                default:
                    others.Add(extension);
                    break;
            }
        }

        return new EncryptedExtensionsMessage
        {
            ApplicationProtocol = protocol,
            TransportParameters = transportParameters,
            AcknowledgesServerName = serverName,
            OtherExtensions = others,
        };
    }
}
