using System.Globalization;
using System.Net;
using System.Net.Security;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Interop.Transport;

/// <summary>
/// The binding of the interop peer to the SDK's public QUIC API: <see cref="QuicConnection"/>,
/// <see cref="QuicListener"/> and <see cref="QuicStream"/> behind <see cref="IInteropQuic"/>,
/// <see cref="IH3Transport"/> and <see cref="IH3Stream"/>. ALPN "h3"; streams aborted without a code
/// use H3_REQUEST_CANCELLED and connections disposed without a close use H3_NO_ERROR (RFC 9114 §8.1).
/// </summary>
internal sealed class QuicApiInterop : IInteropQuic
{
    /// <summary>Generous, so the 30%-loss handshake case measures recovery, not this limit.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(60);

    public async ValueTask<IInteropConnection> ConnectAsync(InteropClientSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new QuicClientConnectionOptions
        {
            RemoteEndPoint = settings.Remote,
            TargetHost = settings.ServerName,
            ApplicationProtocols = [SslApplicationProtocol.Http3],
            TrustedRootCertificates = settings.TrustedRoots,
            CipherSuites = ToCipherSuites(settings.Cipher),
            IdleTimeout = settings.IdleTimeout,
            HandshakeTimeout = HandshakeTimeout,
            DefaultStreamErrorCode = (long)H3ErrorCode.RequestCancelled,
            DefaultCloseErrorCode = (long)H3ErrorCode.NoError,

            // RFC 9114 §6.1: a server opens no bidirectional streams; §6.2: at least 3 unidirectional.
            MaxInboundBidirectionalStreams = 0,
            MaxInboundUnidirectionalStreams = 100,
            KeyLogFilePath = settings.KeyLogFile,
            QlogDirectory = settings.QlogDirectory,
        };
        QuicConnection connection = await QuicConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        return new QuicApiConnection(connection, isClient: true);
    }

    public async ValueTask<IInteropListener> ListenAsync(InteropServerSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new QuicListenerOptions
        {
            ListenEndPoint = settings.Listen,
            ApplicationProtocols = [SslApplicationProtocol.Http3],
            RequireRetry = settings.RequireRetry,
            ConnectionOptions = new QuicServerConnectionOptions
            {
                ServerCertificate = settings.Certificate,
                CipherSuites = ToCipherSuites(settings.Cipher),
                IdleTimeout = settings.IdleTimeout,
                HandshakeTimeout = HandshakeTimeout,
                DefaultStreamErrorCode = (long)H3ErrorCode.RequestCancelled,
                DefaultCloseErrorCode = (long)H3ErrorCode.NoError,
                MaxInboundBidirectionalStreams = 100,
                MaxInboundUnidirectionalStreams = 100,
                KeyLogFilePath = settings.KeyLogFile,
                QlogDirectory = settings.QlogDirectory,
            },
        };
        QuicListener listener = await QuicListener.ListenAsync(options, cancellationToken).ConfigureAwait(false);
        return new Listener(listener);
    }

    private static List<TlsCipherSuite>? ToCipherSuites(InteropCipher cipher) => cipher switch
    {
        InteropCipher.Aes128Gcm => [TlsCipherSuite.TLS_AES_128_GCM_SHA256],
        InteropCipher.Aes256Gcm => [TlsCipherSuite.TLS_AES_256_GCM_SHA384],
        InteropCipher.ChaCha20Poly1305 => [TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256],
        _ => null,
    };

    private sealed class Listener(QuicListener listener) : IInteropListener
    {
        public EndPoint LocalEndPoint => listener.LocalEndPoint;

        public async ValueTask<IInteropConnection?> AcceptAsync(CancellationToken cancellationToken)
        {
            try
            {
                QuicConnection connection = await listener.AcceptConnectionAsync(cancellationToken).ConfigureAwait(false);
                return new QuicApiConnection(connection, isClient: false);
            }
            catch (QuicException e) when (e.QuicError == QuicError.OperationAborted)
            {
                return null;
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
        }

        public ValueTask DisposeAsync() => listener.DisposeAsync();
    }

    /// <summary>A <see cref="QuicConnection"/> as HTTP/3 and the interop cases see it.</summary>
    private sealed class QuicApiConnection(QuicConnection connection, bool isClient) : IInteropConnection
    {
        private volatile bool _closed;

        public bool IsClient => isClient;

        public bool IsClosed => _closed;

        public string Description =>
            $"{connection.NegotiatedCipherSuite} ALPN {connection.NegotiatedApplicationProtocol} {connection.LocalEndPoint} <-> {connection.RemoteEndPoint}";

        public string Statistics
        {
            get
            {
                QuicConnectionStatistics s = connection.GetStatistics();
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"rtt min {s.MinRtt.TotalMilliseconds:0.###} ms smoothed {s.SmoothedRtt.TotalMilliseconds:0.###} ms; packets sent {s.PacketsSent} received {s.PacketsReceived} lost {s.PacketsLost}; bytes sent {s.BytesSent} received {s.BytesReceived}; key updates {s.KeyUpdates}; path {s.LocalEndPoint} <-> {s.RemoteEndPoint}");
            }
        }

        public async ValueTask<IH3Stream> OpenStreamAsync(bool bidirectional, CancellationToken cancellationToken)
        {
            QuicStream stream = await connection.OpenOutboundStreamAsync(bidirectional ? QuicStreamType.Bidirectional : QuicStreamType.Unidirectional, cancellationToken).ConfigureAwait(false);
            return new QuicApiStream(stream);
        }

        public async ValueTask<IH3Stream?> AcceptStreamAsync(CancellationToken cancellationToken)
        {
            try
            {
                return new QuicApiStream(await connection.AcceptInboundStreamAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (QuicException)
            {
                // Every failure of accept means the connection is gone (closed, idle, reset, aborted).
                _closed = true;
                return null;
            }
            catch (ObjectDisposedException)
            {
                _closed = true;
                return null;
            }
        }

        public async ValueTask CloseAsync(long applicationErrorCode, CancellationToken cancellationToken)
        {
            _closed = true;
            try
            {
                await connection.CloseAsync(applicationErrorCode, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // Already disposed: closed.
            }
        }

        public async ValueTask UpdateKeysAsync(CancellationToken cancellationToken)
        {
            // RFC 9001 §6: a key update may start only once the handshake is confirmed (for a client,
            // when HANDSHAKE_DONE arrives), which can be a moment after ConnectAsync returned.
            while (!await connection.TryInitiateKeyUpdateAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_closed)
                {
                    throw new InvalidOperationException("The connection closed before a key update could start.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken).ConfigureAwait(false);
            }
        }

        public ValueTask DisposeAsync()
        {
            _closed = true;
            return connection.DisposeAsync();
        }
    }

    /// <summary>A <see cref="QuicStream"/> as HTTP/3 sees it.</summary>
    private sealed class QuicApiStream(QuicStream stream) : IH3Stream
    {
        public long Id => stream.Id;

        public Stream Stream => stream;

        public Task WritesClosed => stream.WritesClosed;

        public void CompleteWrites() => stream.CompleteWrites();

        public void AbortRead(long errorCode) => stream.Abort(QuicAbortDirection.Read, errorCode);

        public void AbortWrite(long errorCode) => stream.Abort(QuicAbortDirection.Write, errorCode);

        public long? GetResetErrorCode(Exception exception) =>
            exception is QuicException { QuicError: QuicError.StreamAborted } aborted ? aborted.ApplicationErrorCode : null;

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
