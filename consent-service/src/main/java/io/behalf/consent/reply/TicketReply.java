package io.behalf.consent.reply;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** A ticket comment waiting to be read against the ticket's permission requests, or read already. */
@Entity
@Table(name = "ticket_reply")
public class TicketReply extends PanacheEntityBase {

    public static final String PENDING = "PENDING";
    public static final String DONE = "DONE";

    @Id
    // from the column's sequence, 50 at a time (V3__batched_ids.sql), so a batch's inserts go out together
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "ticket_reply_id_seq")
    @SequenceGenerator(name = "ticket_reply_id_seq", sequenceName = "ticket_reply_id_seq", allocationSize = 50)
    public Long id;
    @Column(name = "ticket_id")
    public String ticketId;
    @Column(name = "comment_id")
    public String commentId;
    @Column(name = "author_user_id")
    public String authorUserId;
    @Column(name = "author_username")
    public String authorUsername;
    @Column(name = "author_email")
    public String authorEmail;
    public String body;
    @Column(name = "is_public")
    public boolean isPublic;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "received_at")
    public Instant receivedAt;
    public String state;
    public int attempts;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "last_error")
    public String lastError;
    public String outcome;
}
