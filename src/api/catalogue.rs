//! `GET /v1/products` and `POST /v1/products`.

use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    auth::{Authorized, CatalogueWrite, KeysRead},
    problem::{ApiJson, Problem},
    ApiState,
};
use crate::domain::records;

/// A sellable plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    #[schema(example = "BUSINESS-STANDARD")]
    pub sku: String,
    #[schema(example = "Business Standard")]
    pub name: String,
    /// The most licenses one subscription of it may have; none when unlimited.
    pub max_seats: Option<i64>,
}

impl From<records::Product> for Product {
    fn from(p: records::Product) -> Product {
        Product {
            sku: p.sku,
            name: p.name,
            max_seats: p.max_seats,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    pub products: Vec<Product>,
}

/// A product to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewProduct {
    /// Letters, digits, `-` and `_`; stored in upper case.
    #[schema(example = "BUSINESS-STANDARD")]
    pub sku: String,
    #[schema(example = "Business Standard")]
    pub name: String,
    #[serde(default)]
    pub max_seats: Option<i64>,
}

/// The products, by SKU.
#[utoipa::path(
    get,
    path = "/v1/products",
    tag = "catalogue",
    security(("bearer" = ["keys:read"])),
    responses((status = 200, description = "The products", body = ProductList))
)]
pub(crate) async fn list_products(
    State(state): State<ApiState>,
    _auth: Authorized<KeysRead>,
) -> Result<Json<ProductList>, Problem> {
    let products = state.app.list_products().await?;
    Ok(Json(ProductList {
        products: products.into_iter().map(Product::from).collect(),
    }))
}

/// Adds a product.
#[utoipa::path(
    post,
    path = "/v1/products",
    tag = "catalogue",
    security(("bearer" = ["catalogue:write"])),
    request_body = NewProduct,
    responses(
        (status = 201, description = "The product was added", body = Product),
        (status = 409, description = "A product has this SKU already", body = Problem,
            content_type = "application/problem+json")
    )
)]
pub(crate) async fn create_product(
    State(state): State<ApiState>,
    _auth: Authorized<CatalogueWrite>,
    ApiJson(body): ApiJson<NewProduct>,
) -> Result<(StatusCode, Json<Product>), Problem> {
    let product = state
        .app
        .add_product(&body.sku, &body.name, body.max_seats)
        .await?;
    tracing::info!(sku = %product.sku, "product added");
    Ok((StatusCode::CREATED, Json(product.into())))
}
