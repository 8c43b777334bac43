package io.cxone.kafka.bridge.feed;

import java.util.concurrent.atomic.AtomicBoolean;

/** A partition one client reads through a shared feed: the feed, the client's position on it, and its hub reference. */
public final class FeedAttachment {
    private final PartitionFeed feed;
    private final PartitionFeed.Member member;
    private final AtomicBoolean detached = new AtomicBoolean();

    public FeedAttachment(PartitionFeed feed, PartitionFeed.Member member) {
        this.feed = feed;
        this.member = member;
    }

    public PartitionFeed feed() {
        return feed;
    }

    public PartitionFeed.Member member() {
        return member;
    }

    /** Leaves the feed (idempotent) and gives the hub back its reference once. */
    public void release(FeedHub hub) {
        feed.leave(member);
        if (detached.compareAndSet(false, true)) {
            hub.detach(feed);
        }
    }
}
