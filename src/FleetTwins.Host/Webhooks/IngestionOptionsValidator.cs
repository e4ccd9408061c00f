using System.Numerics;
using FleetTwins.Host.Profiles;
using FleetTwins.Host.Security;
using FleetTwins.Host.Settings;
using FleetTwins.Ingestion.Options;
using FleetTwins.Signatures;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Webhooks;

/// <summary>
/// Refuses push endpoint settings at start-up that would otherwise fail every delivery later or let a guess in: body
/// limits and budgets the largest body could not pass, a secret that is not a <c>whsec_</c> secret of at least 24
/// bytes, a bearer token under 16 characters, an allow-list entry that is not an address or range, and (where the profile requires
/// credentials) an enabled endpoint without any.
/// </summary>
public sealed class IngestionOptionsValidator(HostingProfile profile) : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBodyBytes < 1)
        {
            failures.Add($"{IngestionOptions.Section}:MaxBodyBytes {options.MaxBodyBytes} must be positive");
        }

        // Bodies are held in pooled buffers of powers of two: the largest body takes the next one up.
        var largestBuffer = options.MaxBodyBytes > 0 ? (long)BitOperations.RoundUpToPowerOf2((ulong)options.MaxBodyBytes) : 0;
        if (options.MaxInFlightBytesPerProvider < largestBuffer)
        {
            failures.Add($"{IngestionOptions.Section}:MaxInFlightBytesPerProvider {options.MaxInFlightBytesPerProvider} is below {largestBuffer}, the buffer of a body of MaxBodyBytes {options.MaxBodyBytes}: the largest body could never be read");
        }

        if (options.MaxInFlightBytes < options.MaxInFlightBytesPerProvider)
        {
            failures.Add($"{IngestionOptions.Section}:MaxInFlightBytes {options.MaxInFlightBytes} is below MaxInFlightBytesPerProvider {options.MaxInFlightBytesPerProvider}");
        }

        if (options.MaxInFlightBytesPerSource < largestBuffer)
        {
            failures.Add($"{IngestionOptions.Section}:MaxInFlightBytesPerSource {options.MaxInFlightBytesPerSource} is below {largestBuffer}, the buffer of a body of MaxBodyBytes {options.MaxBodyBytes}: the largest body could never be read");
        }

        if (options.PerDeliveryBodyBytes < 0)
        {
            failures.Add($"{IngestionOptions.Section}:PerDeliveryBodyBytes {options.PerDeliveryBodyBytes} must not be negative");
        }

        if (options.BodyTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{IngestionOptions.Section}:BodyTimeout {options.BodyTimeout} must be positive");
        }

        if (options.MaxFutureSkew < TimeSpan.Zero)
        {
            failures.Add($"{IngestionOptions.Section}:MaxFutureSkew {options.MaxFutureSkew} must not be negative");
        }

        foreach (var (provider, _, endpoint) in options.PushEndpoints)
        {
            var secrets = endpoint switch
            {
                SignedWebhookOptions signed => signed.Secrets,
                TrackerOptions tracker => tracker.Secrets,
                _ => [],
            };
            for (var i = 0; i < secrets.Count; i++)
            {
                try
                {
                    if (SvixVerifier.DecodeSecret(secrets[i]).Length is var length and < SvixVerifier.MinimumSecretBytes)
                    {
                        failures.Add($"{IngestionOptions.Section}:{provider}:Secrets:{i}: a webhook secret must decode to at least {SvixVerifier.MinimumSecretBytes} bytes, not {length}");
                    }
                }
                catch (ArgumentException)
                {
                    failures.Add($"{IngestionOptions.Section}:{provider}:Secrets:{i}: a webhook secret must be whsec_ followed by base64");
                }
            }

            var tokens = endpoint is TrackerOptions bearer ? bearer.Tokens : [];
            for (var i = 0; i < tokens.Count; i++)
            {
                if (tokens[i].Trim().Length < TrackerOptions.MinimumTokenLength)
                {
                    failures.Add($"{IngestionOptions.Section}:{provider}:Tokens:{i}: a bearer token must be at least {TrackerOptions.MinimumTokenLength} characters");
                }
            }

            for (var i = 0; i < endpoint.AllowedSources.Count; i++)
            {
                try
                {
                    _ = ForwardedAddresses.Network(endpoint.AllowedSources[i], $"{IngestionOptions.Section}:{provider}:AllowedSources:{i}");
                }
                catch (InvalidSettingsException e)
                {
                    failures.AddRange(e.Failures);
                }
            }
        }

        var missing = options.PushEndpoints.Where(e => e.Options.Enabled && !e.Options.HasCredentials).ToList();
        if (profile.RequiresPushCredentials && missing.Count > 0)
        {
            failures.Add($"The {profile.Name} profile does not serve a webhook endpoint without credentials: set "
                + string.Join(", ", missing.Select(m => m.CredentialKey))
                + $" or turn the endpoint off ({string.Join(", ", missing.Select(m => $"Ingestion__{m.Provider}__Enabled=false"))})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
