package io.cxone.kafka.source.export;

import java.util.List;
import org.apache.kafka.connect.source.SourceRecord;

/** The records of one verified chunk: the worker writes them in one transaction. */
public record ExportChunk(String source, String job, long startRow, List<SourceRecord> records) {}
