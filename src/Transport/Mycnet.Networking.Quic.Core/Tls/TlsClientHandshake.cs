using System.Security.Cryptography;
using System.Text;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// The client side of the TLS 1.3 handshake for QUIC (RFC 9846 §2 full handshake, RFC 9001 §4),
/// written as one state machine over <see cref="TlsClientState"/>. One ClientHello with key shares
/// for <see cref="TlsClientOptions.KeyShareGroups"/>; at most one HelloRetryRequest, answered with a
/// share for the requested group and the echoed cookie; then EncryptedExtensions (ALPN and transport
/// parameters required), an optional CertificateRequest, the server's Certificate (chain and host
/// validated), CertificateVerify and Finished; then the client's flight. No PSK, no 0-RTT, empty
/// legacy_session_id (RFC 9001 §8.4). See <see cref="ITlsHandshake"/> for the output order.
/// </summary>
internal sealed class TlsClientHandshake : TlsHandshake
{
    private readonly TlsClientOptions _options;
    private readonly TlsCertificatePolicy _policy;
    private readonly List<byte[]> _protocols;
    private readonly List<TlsKeyShare> _keyShares = [];
    private TlsClientState _state = TlsClientState.Start;
    private ClientHelloMessage? _clientHello;
    private bool _retried;
    private ushort _retrySuite;
    private TlsTrafficSecrets _handshakeSecrets;
    private CertificateRequestMessage? _certificateRequest;

    public TlsClientHandshake(TlsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _policy = new TlsCertificatePolicy(options.TrustedRoots, options.RevocationMode, options.CertificateValidationHook, options.TimeProvider);
        _protocols = new List<byte[]>(options.ApplicationProtocols.Count);
        foreach (string protocol in options.ApplicationProtocols)
        {
            _protocols.Add(Encoding.UTF8.GetBytes(protocol));
        }
    }

    public TlsClientState State => _state;

    public override bool IsClient => true;

    public override bool IsHandshakeComplete => _state == TlsClientState.Connected;

    public override string? ServerName => _options.ServerName;

    /// <summary>NewSessionTickets received and validated (resumption is not implemented: they are not stored).</summary>
    public int SessionTicketsReceived { get; private set; }

    /// <summary>Whether the server answered the first ClientHello with a HelloRetryRequest.</summary>
    public bool ReceivedHelloRetryRequest => _retried;

    protected override EncryptionLevel? ExpectedLevel => _state switch
    {
        TlsClientState.WaitServerHello => EncryptionLevel.Initial,
        TlsClientState.WaitEncryptedExtensions or TlsClientState.WaitCertificateOrCertificateRequest or TlsClientState.WaitCertificate
            or TlsClientState.WaitCertificateVerify or TlsClientState.WaitFinished => EncryptionLevel.Handshake,
        TlsClientState.Connected => EncryptionLevel.OneRtt,
        _ => null,
    };

    public override void Start()
    {
        if (_state != TlsClientState.Start || Failure is not null)
        {
            throw new InvalidOperationException("Start was already called.");
        }

        byte[] random = RandomNumberGenerator.GetBytes(ClientHelloMessage.RandomLength);
        ClientRandom = random;
        foreach (TlsNamedGroup group in _options.KeyShareGroups)
        {
            _keyShares.Add(TlsKeyShare.Generate(group));
        }

        var suites = new List<ushort>(_options.CipherSuites.Count);
        foreach (CipherSuite suite in _options.CipherSuites)
        {
            suites.Add((ushort)suite);
        }

        var groups = new List<ushort>(_options.KeyExchangeGroups.Count);
        foreach (TlsNamedGroup group in _options.KeyExchangeGroups)
        {
            groups.Add((ushort)group);
        }

        var signatures = new List<ushort>();
        foreach (TlsSignatureScheme scheme in _options.SignatureSchemes)
        {
            signatures.Add((ushort)scheme);
        }

        foreach (TlsSignatureScheme scheme in TlsSignatures.CertificateOnlySchemes)
        {
            signatures.Add((ushort)scheme);
        }

        _clientHello = new ClientHelloMessage
        {
            Random = random,
            LegacySessionId = [], // RFC 9001 §8.4: no middlebox compatibility mode.
            CipherSuites = suites,
            ServerName = System.Net.IPAddress.TryParse(_options.ServerName, out _) ? null : _options.ServerName, // RFC 6066 §3: no IP literals
            SupportedVersions = [ClientHelloMessage.Tls13Version],
            SupportedGroups = groups,
            SignatureAlgorithms = signatures,
            KeyShares = ShareEntries(),
            ApplicationProtocols = _protocols,
            TransportParameters = _options.TransportParameters.ToArray(),
        };
        byte[] message = _clientHello.Encode();
        Transcript.Append(message);
        EmitCryptoData(EncryptionLevel.Initial, message);
        _state = TlsClientState.WaitServerHello;
    }

    protected override void HandleMessage(EncryptionLevel level, TlsHandshakeType type, byte[] message)
    {
        switch (_state, type)
        {
            case (TlsClientState.WaitServerHello, TlsHandshakeType.ServerHello):
                HandleServerHello(message);
                break;
            case (TlsClientState.WaitEncryptedExtensions, TlsHandshakeType.EncryptedExtensions):
                HandleEncryptedExtensions(message);
                break;
            case (TlsClientState.WaitCertificateOrCertificateRequest, TlsHandshakeType.CertificateRequest):
                HandleCertificateRequest(message);
                break;
            case (TlsClientState.WaitCertificateOrCertificateRequest or TlsClientState.WaitCertificate, TlsHandshakeType.Certificate):
                HandleCertificate(message);
                break;
            case (TlsClientState.WaitCertificateVerify, TlsHandshakeType.CertificateVerify):
                VerifyPeerCertificateVerify(message, _options.SignatureSchemes);
                _state = TlsClientState.WaitFinished;
                break;
            case (TlsClientState.WaitFinished, TlsHandshakeType.Finished):
                HandleFinished(message);
                break;
            case (TlsClientState.Connected, TlsHandshakeType.NewSessionTicket):
                // RFC 9001 §4.6: tickets arrive in 1-RTT CRYPTO frames. Validated, not stored: resumption is not implemented.
                NewSessionTicketMessage.Parse(message.AsSpan(4));
                SessionTicketsReceived++;
                break;
            case (TlsClientState.Connected, TlsHandshakeType.CertificateRequest):
                throw TlsAlertException.Unexpected("Received a post-handshake CertificateRequest, which QUIC forbids (RFC 9001 §4.4).");
            default:
                throw UnexpectedMessage(type, _state, level);
        }
    }

    protected override void ReleaseHandshakeState()
    {
        base.ReleaseHandshakeState();
        DisposeKeyShares();
        ZeroHandshakeSecrets();
        _clientHello = null;
        _certificateRequest = null;
    }

    private void HandleServerHello(byte[] message)
    {
        ServerHelloMessage hello = ServerHelloMessage.Parse(message.AsSpan(4));
        string name = hello.IsHelloRetryRequest ? "HelloRetryRequest" : "ServerHello";

        // RFC 9846 §4.2.3 and §4.2.4: checks common to ServerHello and HelloRetryRequest.
        if (hello.SelectedVersion is null || hello.LegacyVersion != ClientHelloMessage.LegacyVersion)
        {
            throw new TlsAlertException(TlsAlert.ProtocolVersion, $"The server did not negotiate TLS 1.3 in its {name}; QUIC requires TLS 1.3 (RFC 9001 §4.2).");
        }

        if (hello.SelectedVersion != ClientHelloMessage.Tls13Version)
        {
            throw TlsAlertException.Illegal($"The {name} selects version 0x{hello.SelectedVersion:x4}, which the client did not offer.");
        }

        if (!hello.LegacySessionIdEcho.AsSpan().SequenceEqual(_clientHello!.LegacySessionId))
        {
            throw TlsAlertException.Illegal($"The {name} legacy_session_id_echo does not match the ClientHello.");
        }

        if (!Offers(_clientHello.CipherSuites, hello.CipherSuite))
        {
            throw TlsAlertException.Illegal($"The {name} selects cipher suite 0x{hello.CipherSuite:x4}, which the client did not offer.");
        }

        if (hello.OtherExtensions.Count > 0)
        {
            // Everything the client asked for that may appear here is decoded; the rest was not requested (RFC 9846 §4.3).
            throw new TlsAlertException(
                TlsAlert.UnsupportedExtension,
                $"The {name} carries {TlsExtensionRules.Describe(hello.OtherExtensions[0].Type)}, which the client did not request.");
        }

        if (hello.IsHelloRetryRequest)
        {
            HandleHelloRetryRequest(hello, message);
            return;
        }

        if (_retried && hello.CipherSuite != _retrySuite)
        {
            throw TlsAlertException.Illegal("The ServerHello cipher suite differs from the one the HelloRetryRequest selected.");
        }

        KeyShareEntry serverShare = hello.KeyShare
            ?? throw new TlsAlertException(TlsAlert.MissingExtension, "The ServerHello has no key_share; without a pre-shared key one is required.");
        TlsKeyShare? ours = null;
        foreach (TlsKeyShare share in _keyShares)
        {
            if ((ushort)share.Group == serverShare.Group)
            {
                ours = share;
            }
        }

        if (ours is null)
        {
            throw TlsAlertException.Illegal(
                $"The ServerHello key share is for {TlsKeyShare.Describe((TlsNamedGroup)serverShare.Group)}, for which the client sent no share.");
        }

        var suite = (CipherSuite)hello.CipherSuite;
        NegotiatedCipherSuite = suite;
        if (!Transcript.HasHash)
        {
            Transcript.SelectHash(suite.Hash());
        }

        Transcript.Append(message);
        byte[] shared = ours.DeriveSharedSecret(serverShare.KeyExchange);
        KeySchedule = new TlsKeySchedule(suite);
        KeySchedule.MixKeyExchange(shared);
        CryptographicOperations.ZeroMemory(shared);
        DisposeKeyShares();
        _handshakeSecrets = KeySchedule.DeriveHandshakeTrafficSecrets(Transcript.GetCurrentHash());
        EmitReadSecret(EncryptionLevel.Handshake, (byte[])_handshakeSecrets.Server.Clone(), TlsKeyLogLabels.ServerHandshakeTrafficSecret);
        EmitWriteSecret(EncryptionLevel.Handshake, (byte[])_handshakeSecrets.Client.Clone(), TlsKeyLogLabels.ClientHandshakeTrafficSecret);
        _state = TlsClientState.WaitEncryptedExtensions;
    }

    private void HandleHelloRetryRequest(ServerHelloMessage retry, byte[] message)
    {
        if (_retried)
        {
            throw TlsAlertException.Unexpected("The server sent a second HelloRetryRequest (RFC 9846 §4.2.4).");
        }

        if (retry.SelectedGroup is null && retry.Cookie is null)
        {
            throw TlsAlertException.Illegal("The HelloRetryRequest would not change the ClientHello (RFC 9846 §4.2.4).");
        }

        List<TlsKeyShare>? newShares = null;
        if (retry.SelectedGroup is ushort group)
        {
            if (!TlsKeyShare.IsSupported(group) || !TlsOptionsValidation.Contains(_options.KeyExchangeGroups, (TlsNamedGroup)group))
            {
                throw TlsAlertException.Illegal($"The HelloRetryRequest selects {TlsKeyShare.Describe((TlsNamedGroup)group)}, which the client did not offer.");
            }

            foreach (TlsKeyShare share in _keyShares)
            {
                if ((ushort)share.Group == group)
                {
                    throw TlsAlertException.Illegal(
                        $"The HelloRetryRequest selects {TlsKeyShare.Describe((TlsNamedGroup)group)}, for which the client already sent a key share.");
                }
            }

            newShares = [TlsKeyShare.Generate((TlsNamedGroup)group)];
        }

        _retried = true;
        _retrySuite = retry.CipherSuite;

        // RFC 9846 §4.1: ClientHello1 becomes message_hash(Hash(ClientHello1)), then the HelloRetryRequest.
        Transcript.SelectHash(((CipherSuite)retry.CipherSuite).Hash());
        Transcript.ReplaceWithMessageHash();
        Transcript.Append(message);
        if (newShares is not null)
        {
            DisposeKeyShares();
            _keyShares.AddRange(newShares);
        }

        _clientHello = _clientHello!.WithRetry(ShareEntries(), retry.Cookie);
        byte[] secondHello = _clientHello.Encode();
        Transcript.Append(secondHello);
        EmitCryptoData(EncryptionLevel.Initial, secondHello);
    }

    private void HandleEncryptedExtensions(byte[] message)
    {
        EncryptedExtensionsMessage extensions = EncryptedExtensionsMessage.Parse(message.AsSpan(4));
        foreach (TlsExtension extension in extensions.OtherExtensions)
        {
            // supported_groups is the only other extension the client sent that may be answered here (RFC 9846 §4.3.7).
            if (extension.Type != (ushort)TlsExtensionType.SupportedGroups)
            {
                throw new TlsAlertException(
                    TlsAlert.UnsupportedExtension,
                    $"The EncryptedExtensions carry {TlsExtensionRules.Describe(extension.Type)}, which the client did not request.");
            }
        }

        if (extensions.AcknowledgesServerName && _clientHello!.ServerName is null)
        {
            throw new TlsAlertException(TlsAlert.UnsupportedExtension, "The server acknowledged a server_name the client did not send.");
        }

        byte[] selected = extensions.ApplicationProtocol
            ?? throw new TlsAlertException(TlsAlert.NoApplicationProtocol, "The server selected no application protocol; QUIC requires ALPN (RFC 9001 §8.1).");
        string? protocol = null;
        for (int i = 0; i < _protocols.Count; i++)
        {
            if (_protocols[i].AsSpan().SequenceEqual(selected))
            {
                protocol = _options.ApplicationProtocols[i];
            }
        }

        if (protocol is null)
        {
            throw new TlsAlertException(
                TlsAlert.NoApplicationProtocol,
                $"The server selected application protocol '{Encoding.UTF8.GetString(selected)}', which the client did not offer (RFC 9001 §8.1).");
        }

        PeerTransportParameters = extensions.TransportParameters
            ?? throw new TlsAlertException(TlsAlert.MissingExtension, "The server sent no quic_transport_parameters extension (RFC 9001 §8.2).");
        NegotiatedApplicationProtocol = protocol;
        Transcript.Append(message);
        _state = TlsClientState.WaitCertificateOrCertificateRequest;
    }

    private void HandleCertificateRequest(byte[] message)
    {
        CertificateRequestMessage request = CertificateRequestMessage.Parse(message.AsSpan(4));
        if (request.Context.Length != 0)
        {
            throw TlsAlertException.Illegal("The CertificateRequest has a non-empty certificate_request_context during the handshake (RFC 9846 §4.4.2).");
        }

        _certificateRequest = request;
        Transcript.Append(message);
        _state = TlsClientState.WaitCertificate;
    }

    private void HandleCertificate(byte[] message)
    {
        CertificateMessage certificate = CertificateMessage.Parse(message.AsSpan(4));
        if (certificate.Context.Length != 0)
        {
            throw TlsAlertException.Illegal("The server Certificate has a non-empty certificate_request_context (RFC 9846 §4.5.1).");
        }

        if (certificate.Entries.Count == 0)
        {
            throw TlsAlertException.Decode("The server sent an empty Certificate message (RFC 9846 §4.5.1).");
        }

        AcceptPeerCertificates(certificate, _policy, _options.ServerName);
        Transcript.Append(message);
        _state = TlsClientState.WaitCertificateVerify;
    }

    private void HandleFinished(byte[] message)
    {
        VerifyPeerFinished(message, _handshakeSecrets.Server);
        TlsKeySchedule schedule = KeySchedule!;
        schedule.AdvanceToMasterSecret();
        TlsTrafficSecrets application = schedule.DeriveApplicationTrafficSecrets(Transcript.GetCurrentHash());

        var flight = new List<byte[]>(3);
        if (_certificateRequest is not null)
        {
            // RFC 9846 §4.5.1: answer with our chain if a scheme fits, else with an empty Certificate.
            TlsCertificateCredential? credential = _options.ClientCertificate;
            ushort? scheme = credential is null
                ? null
                : TlsSignatures.Select(_certificateRequest.SignatureAlgorithms, _options.SignatureSchemes, credential.KeyKind);
            byte[] certificate = EncodeCertificate(scheme is null ? null : credential);
            Transcript.Append(certificate);
            flight.Add(certificate);
            if (scheme is ushort signatureScheme)
            {
                byte[] verify = EncodeCertificateVerify(credential!, signatureScheme);
                Transcript.Append(verify);
                flight.Add(verify);
            }
        }

        flight.Add(EncodeFinished(_handshakeSecrets.Client));
        EmitCryptoData(EncryptionLevel.Handshake, Concat(flight));
        EmitReadSecret(EncryptionLevel.OneRtt, application.Server, TlsKeyLogLabels.ServerTrafficSecret0);
        EmitWriteSecret(EncryptionLevel.OneRtt, application.Client, TlsKeyLogLabels.ClientTrafficSecret0);
        _state = TlsClientState.Connected;
        EmitHandshakeComplete();
        ReleaseHandshakeState();
    }

    private static bool Offers(IReadOnlyList<ushort> values, ushort value)
    {
        foreach (ushort candidate in values)
        {
            if (candidate == value)
            {
                return true;
            }
        }

        return false;
    }

    private List<KeyShareEntry> ShareEntries()
    {
        var entries = new List<KeyShareEntry>(_keyShares.Count);
        foreach (TlsKeyShare share in _keyShares)
        {
            entries.Add(new KeyShareEntry((ushort)share.Group, share.PublicKey));
        }

        return entries;
    }

    private void DisposeKeyShares()
    {
        foreach (TlsKeyShare share in _keyShares)
        {
            share.Dispose();
        }

        _keyShares.Clear();
    }

    private void ZeroHandshakeSecrets()
    {
        if (_handshakeSecrets.Client is not null)
        {
            CryptographicOperations.ZeroMemory(_handshakeSecrets.Client);
            CryptographicOperations.ZeroMemory(_handshakeSecrets.Server);
        }
    }
}
