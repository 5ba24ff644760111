package io.behalf.floor;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;

@Entity
public class Note extends PanacheEntity {

    @Column(nullable = false)
    public String text;
}
