namespace VaeWorkbench.Engine.Tests;

public class OrderedParallelTests
{
    [Fact]
    public void Results_arrive_in_order_however_long_each_item_takes()
    {
        var consumed = new List<int>();
        // Early items take longest, so later ones finish first and must wait their turn.
        OrderedParallel.Run(Enumerable.Range(0, 200), workers: 3, lookahead: 6, (_, i) =>
        {
            Thread.SpinWait((200 - i) * 50);
            return i * i;
        }, consumed.Add);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * i), consumed);
    }

    [Fact]
    public void The_sequence_is_taken_in_order_and_never_more_than_the_lookahead_ahead()
    {
        var taken = new List<int>();
        var consumed = 0;
        var maxAhead = 0;
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 100; i++)
            {
                lock (taken)
                {
                    taken.Add(i);
                    maxAhead = Math.Max(maxAhead, i - Volatile.Read(ref consumed));
                }
                yield return i;
            }
        }
        OrderedParallel.Run(Source(), workers: 2, lookahead: 4, (_, i) => i, _ => Interlocked.Increment(ref consumed));
        Assert.Equal(Enumerable.Range(0, 100), taken);
        Assert.Equal(100, consumed);
        Assert.True(maxAhead <= 4, $"took {maxAhead} items ahead of the consumer");
    }

    [Fact]
    public void A_failure_in_a_worker_in_the_sequence_or_in_the_consumer_is_rethrown_and_stops_the_rest()
    {
        var after = 0;
        var e = Assert.Throws<InvalidOperationException>(() => OrderedParallel.Run(Enumerable.Range(0, 1000), 2, 4,
            (_, i) => i == 10 ? throw new InvalidOperationException("item 10") : i, i => { if (i > 10) Interlocked.Increment(ref after); }));
        Assert.Equal("item 10", e.Message);
        Assert.Equal(0, after);

        IEnumerable<int> Broken()
        {
            yield return 1;
            throw new FormatException("source");
        }
        Assert.Equal("source", Assert.Throws<FormatException>(() => OrderedParallel.Run(Broken(), 2, 2, (_, i) => i, _ => { })).Message);

        var consumed = 0;
        Assert.Equal("consumer", Assert.Throws<ArgumentException>(() => OrderedParallel.Run(Enumerable.Range(0, 1000), 2, 4, (_, i) => i,
            i => { consumed++; if (i == 3) throw new ArgumentException("consumer"); })).Message);
        Assert.Equal(4, consumed);
    }
}
