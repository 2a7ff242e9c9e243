using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Driver;

/// <summary>
/// A request to start a 1-RTT key update (RFC 9001 §6.1) on the connection's worker: true when it
/// started, false while the core does not allow one yet (handshake not confirmed, or the previous
/// update not acknowledged) or the connection is no longer established.
/// </summary>
internal sealed class KeyUpdateRequest : IConnectionWork
{
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<bool> Task => _completion.Task;

    public void Execute(ConnectionDriver driver, Instant now) =>
        _completion.TrySetResult(driver.Core.State == ConnectionState.Established && driver.Core.InitiateKeyUpdate(now));

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
