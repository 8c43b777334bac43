/**
 * Resume by offset: a client that starts behind a feed's head (earliest, a timestamp, explicit offsets) reads
 * with its own short-lived reader until it has caught up, then joins the shared feed.
 */
package io.cxone.kafka.bridge.catchup;
