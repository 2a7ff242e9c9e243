using System.Security.Cryptography;
using System.Text;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// The server side of the TLS 1.3 handshake for QUIC (RFC 9846 §2, RFC 9001 §4), written as one state
/// machine over <see cref="TlsServerState"/>. A ClientHello is negotiated in full (version, suite,
/// ALPN, certificate, signature scheme, group; see TlsServerHandshake.Negotiation.cs). When the client
/// sent no usable key share but supports one of our groups, the server sends one HelloRetryRequest
/// (with a cookie) and checks that the second ClientHello answers it. Otherwise it sends ServerHello
/// and its whole flight (EncryptedExtensions, optional CertificateRequest, Certificate,
/// CertificateVerify, Finished) at once, then waits for the client's Finished (and certificate when
/// requested). No PSK, no early data. See <see cref="ITlsHandshake"/> for the output order.
/// </summary>
internal sealed partial class TlsServerHandshake : TlsHandshake
{
    private const int CookieLength = 32;
    private readonly TlsServerOptions _options;
    private readonly TlsCertificatePolicy _clientPolicy;
    private readonly List<byte[]> _protocols;
    private TlsServerState _state = TlsServerState.WaitClientHello;
    private bool _started;
    private string? _serverName;
    private ushort _retryGroup;
    private byte[]? _cookie;
    private TlsTrafficSecrets _handshakeSecrets;

    public TlsServerHandshake(TlsServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _clientPolicy = new TlsCertificatePolicy(
            options.ClientCertificateTrustedRoots, options.RevocationMode, options.ClientCertificateValidationHook, options.TimeProvider);
        _protocols = new List<byte[]>(options.ApplicationProtocols.Count);
        foreach (string protocol in options.ApplicationProtocols)
        {
            _protocols.Add(Encoding.UTF8.GetBytes(protocol));
        }
    }

    public TlsServerState State => _state;

    public override bool IsClient => false;

    public override bool IsHandshakeComplete => _state == TlsServerState.Connected;

    public override string? ServerName => _serverName;

    /// <summary>Whether this server answered with a HelloRetryRequest.</summary>
    public bool SentHelloRetryRequest => _cookie is not null;

    protected override EncryptionLevel? ExpectedLevel => _state switch
    {
        TlsServerState.WaitClientHello or TlsServerState.WaitSecondClientHello => EncryptionLevel.Initial,
        TlsServerState.WaitClientCertificate or TlsServerState.WaitClientCertificateVerify or TlsServerState.WaitClientFinished => EncryptionLevel.Handshake,
        _ => null,
    };

    public override void Start()
    {
        if (_started)
        {
            throw new InvalidOperationException("Start was already called.");
        }

        _started = true;
    }

    protected override void HandleMessage(EncryptionLevel level, TlsHandshakeType type, byte[] message)
    {
        switch (_state, type)
        {
            case (TlsServerState.WaitClientHello or TlsServerState.WaitSecondClientHello, TlsHandshakeType.ClientHello):
                HandleClientHello(message);
                break;
            case (TlsServerState.WaitClientCertificate, TlsHandshakeType.Certificate):
                HandleClientCertificate(message);
                break;
            case (TlsServerState.WaitClientCertificateVerify, TlsHandshakeType.CertificateVerify):
                VerifyPeerCertificateVerify(message, _options.SignatureSchemes);
                _state = TlsServerState.WaitClientFinished;
                break;
            case (TlsServerState.WaitClientFinished, TlsHandshakeType.Finished):
                VerifyPeerFinished(message, _handshakeSecrets.Client);
                _state = TlsServerState.Connected;
                EmitHandshakeComplete();
                ReleaseHandshakeState();
                break;
            default:
                throw UnexpectedMessage(type, _state, level);
        }
    }

    protected override void ReleaseHandshakeState()
    {
        base.ReleaseHandshakeState();
        if (_handshakeSecrets.Client is not null)
        {
            CryptographicOperations.ZeroMemory(_handshakeSecrets.Client);
            CryptographicOperations.ZeroMemory(_handshakeSecrets.Server);
        }
    }

    private void HandleClientHello(byte[] message)
    {
        ClientHelloMessage hello = ClientHelloMessage.Parse(message.AsSpan(4));
        Negotiation negotiation = Negotiate(hello);
        if (_state == TlsServerState.WaitClientHello)
        {
            ClientRandom = hello.Random;
            NegotiatedCipherSuite = negotiation.Suite;
            Transcript.SelectHash(negotiation.Suite.Hash());
            Transcript.Append(message);
            if (negotiation.PeerShare is null)
            {
                SendHelloRetryRequest(hello, negotiation);
                return;
            }
        }
        else
        {
            CheckSecondClientHello(hello, negotiation);
            Transcript.Append(message);
        }

        SendServerFlight(hello, negotiation);
    }

    private void SendHelloRetryRequest(ClientHelloMessage hello, Negotiation negotiation)
    {
        // RFC 9846 §4.2.4: supported_versions, the group to share, and a cookie the second ClientHello must echo.
        _retryGroup = (ushort)negotiation.Group;
        _cookie = RandomNumberGenerator.GetBytes(CookieLength);
        var retry = new ServerHelloMessage
        {
            Random = ServerHelloMessage.HelloRetryRequestRandom.ToArray(),
            LegacySessionIdEcho = hello.LegacySessionId,
            CipherSuite = (ushort)negotiation.Suite,
            SelectedVersion = ClientHelloMessage.Tls13Version,
            SelectedGroup = _retryGroup,
            Cookie = _cookie,
        };
        byte[] bytes = retry.Encode();

        // RFC 9846 §4.1: ClientHello1 is replaced by message_hash(Hash(ClientHello1)).
        Transcript.ReplaceWithMessageHash();
        Transcript.Append(bytes);
        EmitCryptoData(EncryptionLevel.Initial, bytes);
        _state = TlsServerState.WaitSecondClientHello;
    }

    private void CheckSecondClientHello(ClientHelloMessage hello, Negotiation negotiation)
    {
        // RFC 9846 §4.2.2: the second ClientHello repeats the first except for the requested changes.
        if (!hello.Random.AsSpan().SequenceEqual(ClientRandom.Span))
        {
            throw TlsAlertException.Illegal("The second ClientHello has a different random than the first.");
        }

        if (negotiation.Suite != NegotiatedCipherSuite)
        {
            throw TlsAlertException.Illegal($"The second ClientHello does not lead to {NegotiatedCipherSuite}, the suite the HelloRetryRequest selected.");
        }

        if (negotiation.PeerShare is null || (ushort)negotiation.Group != _retryGroup)
        {
            throw TlsAlertException.Illegal(
                $"The second ClientHello has no key share for {TlsKeyShare.Describe((TlsNamedGroup)_retryGroup)}, which the HelloRetryRequest asked for.");
        }

        if (hello.Cookie is null || !CryptographicOperations.FixedTimeEquals(hello.Cookie, _cookie))
        {
            throw TlsAlertException.Illegal("The second ClientHello does not echo the HelloRetryRequest cookie.");
        }
    }

    private void SendServerFlight(ClientHelloMessage hello, Negotiation negotiation)
    {
        CipherSuite suite = negotiation.Suite;
        byte[] shared;
        KeyShareEntry serverShare;
        using (TlsKeyShare share = TlsKeyShare.Generate(negotiation.Group))
        {
            shared = share.DeriveSharedSecret(negotiation.PeerShare!);
            serverShare = new KeyShareEntry((ushort)negotiation.Group, share.PublicKey);
        }

        PeerTransportParameters = hello.TransportParameters;
        NegotiatedApplicationProtocol = negotiation.Protocol;
        _serverName = hello.ServerName;

        var serverHello = new ServerHelloMessage
        {
            Random = RandomNumberGenerator.GetBytes(ClientHelloMessage.RandomLength),
            LegacySessionIdEcho = hello.LegacySessionId,
            CipherSuite = (ushort)suite,
            SelectedVersion = ClientHelloMessage.Tls13Version,
            KeyShare = serverShare,
        };
        byte[] serverHelloBytes = serverHello.Encode();
        Transcript.Append(serverHelloBytes);
        EmitCryptoData(EncryptionLevel.Initial, serverHelloBytes);

        KeySchedule = new TlsKeySchedule(suite);
        KeySchedule.MixKeyExchange(shared);
        CryptographicOperations.ZeroMemory(shared);
        _handshakeSecrets = KeySchedule.DeriveHandshakeTrafficSecrets(Transcript.GetCurrentHash());
        EmitReadSecret(EncryptionLevel.Handshake, (byte[])_handshakeSecrets.Client.Clone(), TlsKeyLogLabels.ClientHandshakeTrafficSecret);
        EmitWriteSecret(EncryptionLevel.Handshake, (byte[])_handshakeSecrets.Server.Clone(), TlsKeyLogLabels.ServerHandshakeTrafficSecret);

        var flight = new List<byte[]>(5);
        byte[] encryptedExtensions = new EncryptedExtensionsMessage
        {
            ApplicationProtocol = _protocols[negotiation.ProtocolIndex],
            TransportParameters = _options.TransportParameters.ToArray(),
            AcknowledgesServerName = hello.ServerName is not null,
        }.Encode();
        AppendToFlight(flight, encryptedExtensions);
        if (_options.ClientCertificateMode != TlsClientCertificateMode.None)
        {
            var schemes = new List<ushort>(_options.SignatureSchemes.Count);
            foreach (TlsSignatureScheme scheme in _options.SignatureSchemes)
            {
                schemes.Add((ushort)scheme);
            }

            AppendToFlight(flight, new CertificateRequestMessage { SignatureAlgorithms = schemes }.Encode());
        }

        AppendToFlight(flight, EncodeCertificate(negotiation.Credential));
        AppendToFlight(flight, EncodeCertificateVerify(negotiation.Credential, negotiation.SignatureScheme));
        flight.Add(EncodeFinished(_handshakeSecrets.Server));
        EmitCryptoData(EncryptionLevel.Handshake, Concat(flight));

        KeySchedule.AdvanceToMasterSecret();
        TlsTrafficSecrets application = KeySchedule.DeriveApplicationTrafficSecrets(Transcript.GetCurrentHash());
        EmitWriteSecret(EncryptionLevel.OneRtt, application.Server, TlsKeyLogLabels.ServerTrafficSecret0);
        EmitReadSecret(EncryptionLevel.OneRtt, application.Client, TlsKeyLogLabels.ClientTrafficSecret0);
        _state = _options.ClientCertificateMode == TlsClientCertificateMode.None
            ? TlsServerState.WaitClientFinished
            : TlsServerState.WaitClientCertificate;
    }

    private void HandleClientCertificate(byte[] message)
    {
        CertificateMessage certificate = CertificateMessage.Parse(message.AsSpan(4));
        if (certificate.Context.Length != 0)
        {
            throw TlsAlertException.Illegal("The client Certificate's request context does not match the CertificateRequest (RFC 9846 §4.5.1).");
        }

        if (certificate.Entries.Count == 0)
        {
            if (_options.ClientCertificateMode == TlsClientCertificateMode.Required)
            {
                throw new TlsAlertException(TlsAlert.CertificateRequired, "The client sent no certificate; this server requires one.");
            }

            Transcript.Append(message);
            _state = TlsServerState.WaitClientFinished;
            return;
        }

        AcceptPeerCertificates(certificate, _clientPolicy, targetHost: null);
        Transcript.Append(message);
        _state = TlsServerState.WaitClientCertificateVerify;
    }

    private void AppendToFlight(List<byte[]> flight, byte[] message)
    {
        Transcript.Append(message);
        flight.Add(message);
    }
}
