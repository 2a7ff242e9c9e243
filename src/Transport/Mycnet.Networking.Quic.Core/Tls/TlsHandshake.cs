using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// What the client and server state machines share: per-level message reassembly, the output
/// queue, the transcript and key schedule, certificate and CertificateVerify handling, and the error
/// boundary of <see cref="HandleCryptoData"/>, which turns every failure into a
/// <see cref="TlsAlertException"/> and leaves the handshake failed for good. Subclasses say which
/// level they expect now (<see cref="ExpectedLevel"/>) and handle one whole message at a time
/// (<see cref="HandleMessage"/>) with an explicit state enum.
/// </summary>
internal abstract class TlsHandshake : ITlsHandshake
{
    private readonly Queue<TlsOutput> _outputs = new();
    private readonly TlsMessageBuffer[] _buffers = [new(), new(), new(), new()];
    private TlsAlertException? _failure;

    public abstract bool IsClient { get; }

    public abstract bool IsHandshakeComplete { get; }

    public ReadOnlyMemory<byte> PeerTransportParameters { get; protected set; }

    public string? NegotiatedApplicationProtocol { get; protected set; }

    public CipherSuite? NegotiatedCipherSuite { get; protected set; }

    public X509Certificate2? PeerCertificate { get; protected set; }

    public abstract string? ServerName { get; }

    public ReadOnlyMemory<byte> ClientRandom { get; protected set; }

    /// <summary>The alert this handshake failed with, or null.</summary>
    public TlsAlertException? Failure => _failure;

    protected TlsTranscript Transcript { get; } = new();

    protected TlsKeySchedule? KeySchedule { get; set; }

    /// <summary>The negotiated suite; only valid once negotiated.</summary>
    protected CipherSuite Suite => NegotiatedCipherSuite ?? throw new InvalidOperationException("No cipher suite is negotiated yet.");

    /// <summary>The kind of the peer's end-entity key, once its Certificate is processed.</summary>
    protected TlsKeyKind PeerKeyKind { get; private set; }

    /// <summary>The level whose CRYPTO bytes the current state accepts, or null when it accepts none.</summary>
    protected abstract EncryptionLevel? ExpectedLevel { get; }

    public abstract void Start();

    public void HandleCryptoData(EncryptionLevel level, ReadOnlySpan<byte> data)
    {
        if (_failure is not null)
        {
            throw new TlsAlertException(_failure.Alert, _failure.Message);
        }

        if (data.IsEmpty)
        {
            return;
        }

        try
        {
            if (level == EncryptionLevel.ZeroRtt || (uint)level > (uint)EncryptionLevel.OneRtt)
            {
                // RFC 9001 §8.3: CRYPTO frames never travel in 0-RTT packets.
                throw TlsAlertException.Unexpected($"CRYPTO data cannot arrive at the {level} level.");
            }

            CheckLevel(level);
            TlsMessageBuffer buffer = _buffers[(int)level];
            buffer.Append(data);
            while (buffer.TryRead(out TlsHandshakeType type, out byte[] message))
            {
                CheckLevel(level);
                HandleMessage(level, type, message);
            }

            if (buffer.BufferedLength > 0 && ExpectedLevel != level)
            {
                // RFC 9001 §4.1.3: bytes left at a level TLS has moved past.
                throw TlsAlertException.Unexpected($"{buffer.BufferedLength} unprocessed bytes remain at the {level} level after the handshake moved on.");
            }
        }
        catch (TlsAlertException e)
        {
            Fail(e);
            throw;
        }
        catch (CryptographicException e)
        {
            throw Fail(new TlsAlertException(TlsAlert.InternalError, $"A cryptographic operation failed: {e.Message}", e));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Fail(new TlsAlertException(TlsAlert.InternalError, $"The TLS handshake failed unexpectedly: {e.GetType().Name}: {e.Message}", e));
        }
    }

    public bool TryPollOutput(out TlsOutput output) => _outputs.TryDequeue(out output);

    /// <summary>Handles one whole handshake message (header included) received at <paramref name="level"/>.</summary>
    protected abstract void HandleMessage(EncryptionLevel level, TlsHandshakeType type, byte[] message);

    /// <summary>Releases keys and buffers once the handshake is over (completed or failed).</summary>
    protected virtual void ReleaseHandshakeState()
    {
        Transcript.Dispose();
        KeySchedule?.Dispose();

        // The Initial and Handshake levels carry nothing more (RFC 9001 §4.1.3); their buffers held
        // the largest flight (the certificate chain), which an idle connection need not keep. Bytes
        // still buffered stay, so the check after the message loop reports them.
        foreach (EncryptionLevel level in (ReadOnlySpan<EncryptionLevel>)[EncryptionLevel.Initial, EncryptionLevel.Handshake])
        {
            TlsMessageBuffer buffer = _buffers[(int)level];
            if (buffer.BufferedLength == 0)
            {
                buffer.Clear();
            }
        }
    }

    protected void EmitCryptoData(EncryptionLevel level, byte[] data) => _outputs.Enqueue(TlsOutput.CryptoData(level, data));

    protected void EmitReadSecret(EncryptionLevel level, byte[] secret, string label) =>
        _outputs.Enqueue(TlsOutput.ReadSecret(level, Suite, secret, label));

    protected void EmitWriteSecret(EncryptionLevel level, byte[] secret, string label) =>
        _outputs.Enqueue(TlsOutput.WriteSecret(level, Suite, secret, label));

    protected void EmitHandshakeComplete() => _outputs.Enqueue(TlsOutput.HandshakeComplete());

    /// <summary>The alert for a message that the current state does not expect (RFC 9846 §4).</summary>
    protected static TlsAlertException UnexpectedMessage(TlsHandshakeType type, object state, EncryptionLevel level) => type switch
    {
        TlsHandshakeType.KeyUpdate => TlsAlertException.Unexpected("Received a TLS KeyUpdate, which QUIC forbids (RFC 9001 §6)."),
        TlsHandshakeType.EndOfEarlyData => TlsAlertException.Unexpected("Received EndOfEarlyData, which QUIC removes (RFC 9001 §8.3)."),
        _ when Enum.IsDefined(type) => TlsAlertException.Unexpected($"Received {type} at the {level} level in state {state}."),
        _ => TlsAlertException.Unexpected($"Received unknown handshake message type {(byte)type} at the {level} level in state {state}."),
    };

    /// <summary>Builds the Certificate message for <paramref name="credential"/> (or an empty one).</summary>
    protected static byte[] EncodeCertificate(TlsCertificateCredential? credential)
    {
        var entries = new List<CertificateEntry>();
        if (credential is not null)
        {
            entries.Add(new CertificateEntry(credential.Certificate.RawData, []));
            foreach (X509Certificate2 intermediate in credential.Intermediates)
            {
                entries.Add(new CertificateEntry(intermediate.RawData, []));
            }
        }

        return new CertificateMessage { Entries = entries }.Encode();
    }

    /// <summary>Signs the transcript so far and returns the CertificateVerify message (RFC 9846 §4.5.2).</summary>
    protected byte[] EncodeCertificateVerify(TlsCertificateCredential credential, ushort scheme)
    {
        byte[] content = TlsSignatures.BuildSignedContent(server: !IsClient, Transcript.GetCurrentHash());
        byte[] signature = TlsSignatures.Sign(credential, scheme, content);
        return new CertificateVerifyMessage { Scheme = scheme, Signature = signature }.Encode();
    }

    /// <summary>
    /// Loads and validates a non-empty peer chain and keeps the end entity as <see cref="PeerCertificate"/>.
    /// Certificate-entry extensions must answer a request; this engine requests none (RFC 9846 §4.3).
    /// </summary>
    protected void AcceptPeerCertificates(CertificateMessage certificate, TlsCertificatePolicy policy, string? targetHost)
    {
        string role = IsClient ? "server" : "client";
        foreach (CertificateEntry entry in certificate.Entries)
        {
            if (entry.Extensions.Count > 0)
            {
                throw new TlsAlertException(
                    TlsAlert.UnsupportedExtension,
                    $"The {role}'s Certificate carries {TlsExtensionRules.Describe(entry.Extensions[0].Type)}, which was not requested.");
            }
        }

        var certificates = new List<X509Certificate2>(certificate.Entries.Count);
        try
        {
            foreach (CertificateEntry entry in certificate.Entries)
            {
                try
                {
                    certificates.Add(X509CertificateLoader.LoadCertificate(entry.Data));
                }
                catch (CryptographicException e)
                {
                    throw new TlsAlertException(TlsAlert.BadCertificate, $"A certificate in the {role}'s chain is not valid X.509 DER: {e.Message}", e);
                }
            }

            X509Certificate2 leaf = certificates[0];
            TlsKeyKind kind;
            try
            {
                TlsCertificateValidator.Validate(leaf, certificates.GetRange(1, certificates.Count - 1), policy, isServerCertificate: IsClient, targetHost);
                kind = TlsSignatures.GetKeyKind(leaf);
            }
            catch (CryptographicException e)
            {
                // A certificate can load and still hold fields (validity, key) that fail to decode when read.
                throw new TlsAlertException(TlsAlert.BadCertificate, $"The {role} certificate could not be processed: {e.Message}", e);
            }

            if (kind == TlsKeyKind.Unsupported)
            {
                throw new TlsAlertException(
                    TlsAlert.UnsupportedCertificate,
                    $"The {role} certificate's key ({leaf.PublicKey.Oid.FriendlyName ?? leaf.PublicKey.Oid.Value}) is not supported; ECDSA P-256/P-384 and RSA of at least {TlsSignatures.MinimumRsaKeySize} bits are.");
            }

            PeerKeyKind = kind;
            PeerCertificate = leaf;
            certificates.RemoveAt(0);
        }
        finally
        {
            foreach (X509Certificate2 other in certificates)
            {
                other.Dispose();
            }
        }
    }

    /// <summary>Verifies the peer's CertificateVerify against the transcript so far (RFC 9846 §4.5.2).</summary>
    protected void VerifyPeerCertificateVerify(byte[] message, IReadOnlyList<TlsSignatureScheme> offeredSchemes)
    {
        string role = IsClient ? "server" : "client";
        CertificateVerifyMessage verify = CertificateVerifyMessage.Parse(message.AsSpan(4));
        bool offered = false;
        foreach (TlsSignatureScheme scheme in offeredSchemes)
        {
            offered |= (ushort)scheme == verify.Scheme;
        }

        if (!offered || !TlsSignatures.IsImplemented(verify.Scheme))
        {
            throw TlsAlertException.Illegal($"The {role} signed with {TlsSignatures.Describe(verify.Scheme)}, which was not offered.");
        }

        if (!TlsSignatures.IsCompatible(verify.Scheme, PeerKeyKind))
        {
            throw TlsAlertException.Illegal(
                $"The {role} signed with {TlsSignatures.Describe(verify.Scheme)}, which does not match its {TlsSignatures.Describe(PeerKeyKind)} certificate key.");
        }

        byte[] content = TlsSignatures.BuildSignedContent(server: IsClient, Transcript.GetCurrentHash());
        if (!TlsSignatures.Verify(PeerCertificate!, PeerKeyKind, verify.Scheme, content, verify.Signature))
        {
            throw new TlsAlertException(TlsAlert.DecryptError, $"The {role}'s CertificateVerify signature does not verify.");
        }

        Transcript.Append(message);
    }

    /// <summary>Verifies a peer Finished against <paramref name="baseKey"/> and the transcript so far (RFC 9846 §4.5.3).</summary>
    protected void VerifyPeerFinished(byte[] message, byte[] baseKey)
    {
        FinishedMessage finished = FinishedMessage.Parse(message.AsSpan(4), Suite.HashLength());
        if (!TlsKeySchedule.VerifyFinished(Suite, baseKey, Transcript.GetCurrentHash(), finished.VerifyData))
        {
            throw new TlsAlertException(TlsAlert.DecryptError, $"The {(IsClient ? "server" : "client")} Finished does not verify.");
        }

        Transcript.Append(message);
    }

    /// <summary>Builds our Finished over the transcript so far and appends it.</summary>
    protected byte[] EncodeFinished(byte[] baseKey)
    {
        byte[] message = new FinishedMessage { VerifyData = TlsKeySchedule.ComputeVerifyData(Suite, baseKey, Transcript.GetCurrentHash()) }.Encode();
        Transcript.Append(message);
        return message;
    }

    /// <summary>Concatenates messages into one CRYPTO payload.</summary>
    protected static byte[] Concat(List<byte[]> messages)
    {
        int length = 0;
        foreach (byte[] message in messages)
        {
            length += message.Length;
        }

        var flight = new byte[length];
        int offset = 0;
        foreach (byte[] message in messages)
        {
            message.CopyTo(flight, offset);
            offset += message.Length;
        }

        return flight;
    }

    private void CheckLevel(EncryptionLevel level)
    {
        EncryptionLevel? expected = ExpectedLevel;
        if (expected != level)
        {
            throw TlsAlertException.Unexpected(expected is null
                ? $"CRYPTO data arrived at the {level} level, where the handshake expects none now."
                : $"CRYPTO data arrived at the {level} level; the handshake expects the {expected} level now.");
        }
    }

    private TlsAlertException Fail(TlsAlertException failure)
    {
        if (_failure is null)
        {
            _failure = failure;
            _outputs.Clear();
            foreach (TlsMessageBuffer buffer in _buffers)
            {
                buffer.Clear();
            }

            ReleaseHandshakeState();
        }

        return failure;
    }
}
