using System.Security.Claims;
using FleetTwins.Host.Api.Watching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Tests.Api;

public sealed class OpenWatchesTests
{
    private static OpenWatches Watches(int perKey, int total) =>
        new(Options.Create(new WatchOptions { MaxPerKey = perKey, MaxTotal = total }), new Lifetime());

    private static HttpContext Caller(string name) =>
        new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], "test")) };

    [Fact]
    public void A_closed_watch_gives_its_place_back_once_however_often_it_is_closed()
    {
        var watches = Watches(perKey: 2, total: 3);
        var first = watches.TryOpen(Caller("key:a"), out _)!;
        using var second = watches.TryOpen(Caller("key:a"), out _)!;
        Assert.Null(watches.TryOpen(Caller("key:a"), out var perKey));
        Assert.Contains("Watches:MaxPerKey 2", perKey);
        using var other = watches.TryOpen(Caller("key:b"), out _)!;
        Assert.Null(watches.TryOpen(Caller("key:c"), out var total));
        Assert.Contains("Watches:MaxTotal 3", total);

        first.Dispose();
        first.Dispose();
        using var again = watches.TryOpen(Caller("key:c"), out _);
        Assert.NotNull(again);
        Assert.Null(watches.TryOpen(Caller("key:a"), out _));
    }

    [Fact]
    public void Caps_that_admit_no_watch_are_refused_each_on_its_own_line()
    {
        var result = new WatchOptionsValidator().Validate(null, new WatchOptions { MaxPerKey = 0, MaxTotal = -1 });
        Assert.Equal(["Watches:MaxPerKey 0 must be positive", "Watches:MaxTotal -1 must be positive"], result.Failures);
        var above = new WatchOptionsValidator().Validate(null, new WatchOptions { MaxPerKey = 20, MaxTotal = 10 });
        Assert.Contains("Watches:MaxPerKey 20 is above MaxTotal 10", Assert.Single(above.Failures!));
        Assert.True(new WatchOptionsValidator().Validate(null, new WatchOptions()).Succeeded);
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
