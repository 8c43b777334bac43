package io.cxone.kafka.sink.elasticsearch.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DocumentOrderTest {

    private final DocumentOrder<String> order = new DocumentOrder<>();

    @Test
    void distinctDocumentsPassStraightThrough() {
        assertThat(order.admit("idx/a", "a1")).isTrue();
        assertThat(order.admit("idx/b", "b1")).isTrue();
        assertThat(order.admit("other/a", "a1 in another index")).isTrue();
        assertThat(order.waiting()).isZero();
    }

    @Test
    void laterOperationsOnABusyDocumentAreReleasedOneAtATimeInOrder() {
        assertThat(order.admit("idx/a", "a1")).isTrue();
        assertThat(order.admit("idx/a", "a2")).isFalse();
        assertThat(order.admit("idx/a", "a3")).isFalse();
        assertThat(order.waiting()).isEqualTo(2);

        assertThat(order.settled("idx/a")).isEqualTo("a2");
        // a2 is in flight now: a new operation still waits behind it and a3.
        assertThat(order.admit("idx/a", "a4")).isFalse();
        assertThat(order.settled("idx/a")).isEqualTo("a3");
        assertThat(order.settled("idx/a")).isEqualTo("a4");
        assertThat(order.waiting()).isZero();
        assertThat(order.busy()).isEqualTo(1);

        assertThat(order.settled("idx/a")).isNull();
        assertThat(order.busy()).isZero();
        assertThat(order.admit("idx/a", "a5")).as("free again").isTrue();
    }

    @Test
    void settlingADocumentWithNothingInFlightIsABug() {
        assertThatThrownBy(() -> order.settled("idx/a"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("idx/a");
    }
}
