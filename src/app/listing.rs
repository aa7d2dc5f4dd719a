//! What the commands and the CLI list: products, subscriptions, the ledger, the audit.

use super::{App, AppError};
use crate::{
    domain::{
        records::{
            GuildId, Product, Redemption, RedemptionRecord, Subscription, SubscriptionStatus,
        },
        LifecycleState,
    },
    store::{AttemptRow, RedemptionFeed, RedemptionFilter},
};

/// Which part of the ledger the shop reads: oldest first, from `since`, after the
/// redemption `after_id`, at most `limit`.
#[derive(Debug, Clone, Copy)]
pub struct FeedPage {
    pub guild: Option<GuildId>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

/// One page of a guild's ledger, newest first.
#[derive(Debug, Clone)]
pub struct RedemptionPage {
    pub rows: Vec<Redemption>,
    /// 0 is the newest page; past the last page, the last page.
    pub page: i64,
    /// At least 1.
    pub pages: i64,
    /// On the newest page, the newest reversals (refunds) of the same part of the ledger.
    pub reversals: Vec<crate::store::ReversalEntry>,
}

impl App {
    pub async fn list_products(&self) -> anyhow::Result<Vec<Product>> {
        self.store.list_products().await
    }

    /// A guild's subscriptions with their state today.
    pub async fn list_subscriptions(
        &self,
        guild: GuildId,
    ) -> Result<Vec<SubscriptionStatus>, AppError> {
        let today = self.clock.today();
        let periods = self.settings.periods();
        let suspended = self.store.suspended_ids(guild).await?;
        Ok(self
            .store
            .list_subscriptions(guild)
            .await?
            .into_iter()
            .map(|subscription| SubscriptionStatus {
                state: LifecycleState::of(
                    subscription.ends_on,
                    suspended.contains(&subscription.id),
                    today,
                    periods,
                ),
                subscription,
            })
            .collect())
    }

    /// Autocomplete: up to `limit` of the guild's subscriptions whose name contains `typed`,
    /// prefix matches first.
    pub async fn search_subscriptions(
        &self,
        guild: GuildId,
        typed: &str,
        limit: i64,
    ) -> Result<Vec<Subscription>, AppError> {
        Ok(self
            .store
            .search_subscriptions(guild, typed.trim(), limit)
            .await?)
    }

    /// Page `page` (0 is the newest) of a guild's ledger, `size` redemptions a page, of one
    /// subscription or all.
    pub async fn redemptions_page(
        &self,
        guild: GuildId,
        subscription: Option<i64>,
        page: u32,
        size: i64,
    ) -> Result<RedemptionPage, AppError> {
        let total = self.store.count_redemptions(guild, subscription).await?;
        let pages = ((total + size - 1) / size).max(1);
        let page = i64::from(page).min(pages - 1);
        let rows = self
            .store
            .list_redemptions(RedemptionFilter {
                guild: Some(guild),
                subscription_id: subscription,
                limit: size,
                offset: page * size,
            })
            .await?;
        let reversals = if page == 0 {
            self.store
                .list_reversals(crate::store::ReversalFilter {
                    guild: Some(guild),
                    subscription_id: subscription,
                    after_id: None,
                    limit: size,
                    newest_first: true,
                })
                .await?
        } else {
            Vec::new()
        };
        Ok(RedemptionPage {
            rows,
            page,
            pages,
            reversals,
        })
    }

    /// A guild's whole ledger, newest first.
    pub async fn list_redemptions(&self, guild: GuildId) -> anyhow::Result<Vec<Redemption>> {
        self.store
            .list_redemptions(RedemptionFilter {
                guild: Some(guild),
                subscription_id: None,
                limit: i64::MAX,
                offset: 0,
            })
            .await
    }

    /// The ledger for the shop, oldest first, each redemption with its product and keys
    /// (their last five characters).
    pub async fn redemption_feed(&self, page: FeedPage) -> anyhow::Result<Vec<RedemptionRecord>> {
        self.store
            .redemption_feed(RedemptionFeed {
                guild: page.guild,
                since: page.since,
                after_id: page.after_id,
                limit: page.limit,
            })
            .await
    }

    /// Refused key attempts, newest first, of one guild or all.
    pub async fn list_attempts(&self, guild: Option<GuildId>) -> anyhow::Result<Vec<AttemptRow>> {
        self.store.list_attempts(guild).await
    }
}
