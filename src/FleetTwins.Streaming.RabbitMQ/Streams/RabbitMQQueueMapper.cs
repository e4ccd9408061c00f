using System.IO.Hashing;
using System.Text;

namespace FleetTwins.Streaming.RabbitMQ.Streams;

/// <summary>
/// One stream partition (Orleans queue id) per configured AMQP queue, placed on the consistent ring by a hash of its
/// name, so each silo pulls the queues in its range and a leaving silo's queues move to its neighbours.
/// </summary>
public sealed class RabbitMQQueueMapper : IConsistentRingStreamQueueMapper
{
    private readonly QueueId[] queues;
    private readonly Dictionary<QueueId, string> names = [];

    public RabbitMQQueueMapper(IReadOnlyList<string> queueNames)
    {
        if (queueNames.Count == 0)
        {
            throw new ArgumentException("A RabbitMQ stream provider needs at least one queue.", nameof(queueNames));
        }

        queues = new QueueId[queueNames.Count];
        for (var i = 0; i < queueNames.Count; i++)
        {
            queues[i] = QueueId.GetQueueId(queueNames[i], (uint)i, Hash(queueNames[i]));
            names[queues[i]] = queueNames[i];
        }
    }

    public IEnumerable<QueueId> GetAllQueues() => queues;

    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) => queues.Where(q => range.InRange(q.GetUniformHashCode()));

    /// <summary>For producers: the queue a stream's messages are published to (stable for a given queue list).</summary>
    public QueueId GetQueueForStream(StreamId streamId) => queues[Hash(streamId.ToString()) % (uint)queues.Length];

    /// <summary>The AMQP queue name of a partition.</summary>
    public string QueueName(QueueId queueId) => names[queueId];

    private static uint Hash(string text) => XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(text));
}
