use anyhow::Context as _;

use super::Store;
use crate::domain::records::Product;

impl Store {
    /// Adds a product; `None` when the SKU exists already.
    pub async fn create_product(
        &self,
        sku: &str,
        name: &str,
        max_seats: Option<i64>,
    ) -> anyhow::Result<Option<Product>> {
        let max = max_seats
            .map(|m| super::to_i32(m, "max seats"))
            .transpose()?;
        let row = sqlx::query!(
            r#"INSERT INTO products (sku, name, max_seats) VALUES ($1, $2, $3)
               ON CONFLICT (sku) DO NOTHING
               RETURNING sku, name, max_seats"#,
            sku,
            name,
            max
        )
        .fetch_optional(&self.pool)
        .await
        .context("inserting a product")?;
        Ok(row.map(|r| Product {
            sku: r.sku,
            name: r.name,
            max_seats: r.max_seats.map(i64::from),
        }))
    }

    /// Changes a product's name and/or seat cap (`None`: unchanged); `None` when there is
    /// no such product.
    pub async fn update_product(
        &self,
        sku: &str,
        name: Option<&str>,
        max_seats: Option<i64>,
    ) -> anyhow::Result<Option<Product>> {
        let max = max_seats
            .map(|m| super::to_i32(m, "max seats"))
            .transpose()?;
        let row = sqlx::query!(
            r#"UPDATE products SET name = COALESCE($2, name), max_seats = COALESCE($3, max_seats)
               WHERE sku = $1
               RETURNING sku, name, max_seats"#,
            sku,
            name,
            max
        )
        .fetch_optional(&self.pool)
        .await
        .context("updating a product")?;
        Ok(row.map(|r| Product {
            sku: r.sku,
            name: r.name,
            max_seats: r.max_seats.map(i64::from),
        }))
    }

    pub async fn list_products(&self) -> anyhow::Result<Vec<Product>> {
        let rows = sqlx::query!("SELECT sku, name, max_seats FROM products ORDER BY sku")
            .fetch_all(&self.pool)
            .await
            .context("listing products")?;
        Ok(rows
            .into_iter()
            .map(|r| Product {
                sku: r.sku,
                name: r.name,
                max_seats: r.max_seats.map(i64::from),
            })
            .collect())
    }

    pub async fn product(&self, sku: &str) -> anyhow::Result<Option<Product>> {
        let row = sqlx::query!(
            "SELECT sku, name, max_seats FROM products WHERE sku = $1",
            sku
        )
        .fetch_optional(&self.pool)
        .await
        .context("reading a product")?;
        Ok(row.map(|r| Product {
            sku: r.sku,
            name: r.name,
            max_seats: r.max_seats.map(i64::from),
        }))
    }
}
