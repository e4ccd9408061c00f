namespace FleetTwins.Host.Api;

/// <summary>
/// The <c>Search</c> section: what fleet search and aggregates may cost, in conditions × twins scanned (a filter of 3
/// conditions over 100,000 twins costs 300,000). Rate limits count requests; this counts their work.
/// </summary>
public sealed class SearchBudgetOptions
{
    public const string Section = "Search";

    /// <summary>Most one search may cost (400 beyond): 64 <c>near()</c> conditions over 50,000 twins cost 3,200,000.</summary>
    public long MaxCostPerRequest { get; set; } = 1_000_000;

    /// <summary>Cost each API key (each client address without one) may spend per second (429 beyond); 0 switches the budget off.</summary>
    public int CostPerSecond { get; set; } = 1_000_000;

    /// <summary>Cost a key may spend at once on top of its rate.</summary>
    public int Burst { get; set; } = 2_000_000;
}
