using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// The TLS 1.3 handshake as QUIC drives it (RFC 9001 §4): CRYPTO bytes in, CRYPTO bytes and traffic
/// secrets out. Sans-IO and single-threaded: one owner (the connection) calls it.
/// </summary>
/// <remarks>
/// <para>Call order: construct, call <see cref="Start"/> once (a client queues its ClientHello; a
/// server does nothing), then after every <see cref="HandleCryptoData"/> drain <see cref="TryPollOutput"/>
/// until it returns false, acting on each output in the order returned.</para>
/// <para>Initial keys are the connection's (derived from the Destination Connection ID, RFC 9001 §5.2);
/// this type never emits them. Exact output order:</para>
/// <para>Client. <see cref="Start"/>: CryptoData(Initial, ClientHello). On a HelloRetryRequest:
/// CryptoData(Initial, second ClientHello). On the ServerHello: ReadSecret(Handshake,
/// SERVER_HANDSHAKE_TRAFFIC_SECRET), WriteSecret(Handshake, CLIENT_HANDSHAKE_TRAFFIC_SECRET). On the
/// verified server Finished: CryptoData(Handshake, [Certificate, [CertificateVerify,]] Finished),
/// ReadSecret(OneRtt, SERVER_TRAFFIC_SECRET_0), WriteSecret(OneRtt, CLIENT_TRAFFIC_SECRET_0),
/// HandshakeComplete. After that a client accepts NewSessionTicket at the 1-RTT level (ignored today).</para>
/// <para>Server. On the ClientHello, either CryptoData(Initial, HelloRetryRequest) and nothing else, or:
/// CryptoData(Initial, ServerHello), ReadSecret(Handshake, CLIENT_HANDSHAKE_TRAFFIC_SECRET),
/// WriteSecret(Handshake, SERVER_HANDSHAKE_TRAFFIC_SECRET), CryptoData(Handshake, EncryptedExtensions,
/// [CertificateRequest,] Certificate, CertificateVerify, Finished), WriteSecret(OneRtt,
/// SERVER_TRAFFIC_SECRET_0), ReadSecret(OneRtt, CLIENT_TRAFFIC_SECRET_0). The 1-RTT read secret is
/// emitted as soon as it is derived, but the connection MUST NOT process 1-RTT packets before
/// HandshakeComplete (RFC 9001 §5.7). On the verified client Finished: HandshakeComplete.</para>
/// <para>Levels: CRYPTO bytes are accepted only at the level the state expects (client: Initial until
/// the ServerHello, Handshake until its Finished, then 1-RTT; server: Initial until its flight, then
/// Handshake until the client Finished, then nothing). Bytes at any other level, or bytes left over at
/// a level TLS has moved past, fail with unexpected_message. Post-handshake KeyUpdate is forbidden in
/// QUIC (RFC 9001 §6) and fails with unexpected_message, as do EndOfEarlyData and post-handshake
/// CertificateRequest.</para>
/// <para>Failure: <see cref="HandleCryptoData"/> throws <see cref="TlsAlertException"/> and nothing
/// else; the connection closes with CRYPTO_ERROR 0x0100 + alert (RFC 9001 §4.8). After a failure the
/// output queue is empty and every further call throws the same alert.</para>
/// </remarks>
internal interface ITlsHandshake
{
    bool IsClient { get; }

    bool IsHandshakeComplete { get; }

    /// <summary>Client: queues the ClientHello (Initial level). Server: nothing. Call once.</summary>
    void Start();

    /// <summary>
    /// In-order CRYPTO bytes received at a level (the connection reassembles CRYPTO frames); may hold
    /// partial or several messages. Throws <see cref="TlsAlertException"/> on any failure (never another exception type).
    /// </summary>
    void HandleCryptoData(EncryptionLevel level, ReadOnlySpan<byte> data);

    /// <summary>Outputs in the order they must be acted on.</summary>
    bool TryPollOutput(out TlsOutput output);

    /// <summary>The peer's quic_transport_parameters extension data; empty until received.</summary>
    ReadOnlyMemory<byte> PeerTransportParameters { get; }

    string? NegotiatedApplicationProtocol { get; }

    CipherSuite? NegotiatedCipherSuite { get; }

    /// <summary>The peer's validated end-entity certificate (owned by the handshake), or null.</summary>
    X509Certificate2? PeerCertificate { get; }

    /// <summary>SNI: the configured server name at a client; as received at a server (null when none).</summary>
    string? ServerName { get; }

    /// <summary>The ClientHello.random (32 bytes once known), for key-log lines.</summary>
    ReadOnlyMemory<byte> ClientRandom { get; }
}
