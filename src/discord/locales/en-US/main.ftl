# licensebot — English (en-US). Every message here must also exist in nl/main.ftl.
# Discord renders <@user>, <#channel>, <@&role> and <t:unix:style> in each reader's own time.

## Commands (names: lower case, no spaces, at most 32 characters)
cmd-add-licenses-name = add-licenses
cmd-add-licenses-desc = Add licenses to a subscription with prepaid product keys
cmd-extend-name = extend
cmd-extend-desc = Extend a subscription's end date with prepaid product keys
cmd-subscriptions-name = subscriptions
cmd-subscriptions-desc = Your products: this server's subscriptions
cmd-redemptions-name = redemptions
cmd-redemptions-desc = The redemptions made in this server, newest first
cmd-settings-name = settings
cmd-settings-desc = licensebot's settings for this server
cmd-settings-notices-name = notices
cmd-settings-notices-desc = Where redemption and subscription notices are posted
cmd-settings-manager-role-name = manager-role
cmd-settings-manager-role-desc = A role whose members may use licensebot without Manage Server
opt-subscription-name = subscription
opt-subscription-desc = The subscription
opt-keys-name = keys
opt-keys-desc = One or more product keys (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), separated by spaces or commas
opt-channel-name = channel
opt-channel-desc = The channel for notices
opt-role-name = role
opt-role-desc = The manager role

## Words
kind-add-licenses = Add licenses
kind-extend = Extend end date
state-active = Active
state-expired = Expired
state-disabled = Disabled
state-deleted = Deleted
licenses = { $count ->
    [one] 1 license
   *[other] { $count } licenses
}
product-keys = { $count ->
    [one] 1 product key
   *[other] { $count } product keys
}
term-months = { $count ->
    [one] 1 month
   *[other] { $count } months
}
term-days = { $count ->
    [one] 1 day
   *[other] { $count } days
}

## Refused keys (one message per cause)
refusal-character = `{ $masked }` isn't a valid product key: character { $position } ('{ $found }') is never used in product keys.
refusal-length = `{ $masked }` isn't a valid product key: it has { $found } characters, and product keys have 25.
refusal-unknown = The product key ending in `{ $tail }` isn't valid. Check it and try again.
refusal-redeemed = The product key ending in `{ $tail }` has already been used. Enter a different product key.
refusal-revoked = The product key ending in `{ $tail }` has been revoked.
refusal-expired = The product key ending in `{ $tail }` has expired.
refusal-other-product = The product key ending in `{ $tail }` is for *{ $key_product }*, not *{ $subscription_product }*.
refusal-repeated = You have already entered this product key (`{ $masked }`).
refusal-repeated-unnamed = You have already entered this product key.
refusal-nothing-changed = Nothing was changed.

## Refused orders
error-not-in-guild = licensebot works in servers only.
error-not-allowed = You need the Manage Server permission, or the manager role, to use licensebot.
error-settings-not-allowed = You need the Manage Server permission to change licensebot's settings.
error-subscription-not-found = This server has no such subscription. Pick one from the list.
error-no-keys = Enter at least one product key.
error-too-many-keys = An order can hold at most { $max } product keys; this would make { $entered }.
error-seat-cap = This would give *{ $subscription }* { $would_have } licenses; *{ $product }* allows at most { $max }.
error-wrong-state-add = *{ $subscription }* is { $state }: licenses can only be added to an active subscription. Use /extend first.
error-wrong-state-extend = *{ $subscription }* has been deleted; it can no longer be extended.
error-less-than-a-day = These product keys would extend *{ $subscription }* by less than one day.
error-out-of-range = These product keys would move the dates beyond the calendar.
error-locked-out = Too many product keys were refused. You can enter product keys again <t:{ $until }:R>.
error-order-not-found = This order doesn't exist in this server. Start again with /add-licenses or /extend.
error-not-your-order = This order belongs to someone else.
error-order-expired = This order has expired. Nothing was redeemed; start again with /add-licenses or /extend.
error-order-cancelled = This order was cancelled. Nothing was redeemed.
error-order-redeemed = This order was already redeemed by <@{ $user }> at <t:{ $at }:t>.
error-key-taken = The product key ending in `{ $tail }` was already redeemed by <@{ $user }> at <t:{ $at }:t>. Nothing was redeemed: cancel this order and start again without that key.
error-stale-button = This button is no longer valid.
busy = licensebot is busy; try again in a moment. Nothing was changed.
error-internal = Something went wrong, and nothing was changed. Please try again. (error id { $id })

## Review
review-title-add = Review your order: add licenses
review-title-extend = Review your order: extend end date
review-subscription = Subscription
review-keys = Product keys
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Licenses
review-end-date = End date
review-unchanged = { $value } (unchanged)
review-change = { $before } → { $after }
review-seat-time = Seat-time
review-seat-time-part = { $seats } × { $days } days
review-seat-time-sum = { $parts } = { $seat_days } license-days ÷ { $seats } licenses = { $days } days (rounded down)
review-base-today = *{ $subscription }* is disabled, so the extension counts from today, { $today }.
review-coterm = These licenses end with the subscription on { $ends_on }; use /extend to extend it.
review-expires = This order expires <t:{ $at }:R>.
button-redeem = Redeem
button-add-key = Add another product key
button-cancel = Cancel
modal-title = Add another product key
modal-keys-label = Product keys
modal-keys-placeholder = XXXXX-XXXXX-XXXXX-XXXXX-XXXXX

## After the order
receipt-title = Redeemed
receipt-body = { $keys } redeemed on *{ $subscription }*.
receipt-order-closed = Order closed.
cancelled = Order cancelled. Nothing was redeemed.
expired-review = This order expired. Nothing was redeemed; start again with /add-licenses or /extend.

## Listings
subscriptions-title = Your products
subscriptions-empty = This server has no subscriptions yet.
subscriptions-line = { $product } · { $licenses } · ends { $ends_on } · **{ $state }**
redemptions-title = Redemptions
redemptions-title-for = Redemptions: { $subscription }
redemptions-empty = No redemptions yet.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · { $before } → { $after } licenses · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · end date { $before } → { $after } · { $keys }
redemptions-page = Page { $page } of { $pages }
button-newer = Newer
button-older = Older

## Settings
settings-notices-saved = Notices will be posted in <#{ $channel }>.
settings-notices-failed = I can't post in <#{ $channel }> ({ $reason }). Give me Send Messages and Embed Links there, or pick another channel. Nothing was changed.
settings-notices-hello = licensebot will post redemption and subscription notices in this channel.
settings-role-saved = Members of <@&{ $role }> may now use licensebot.

## Notices (in the server's language; never a product key)
notice-redemption-add = <@{ $user }> added { $added } to *{ $subscription }*: { $before } → { $after } licenses ({ $keys }).
notice-redemption-extend = <@{ $user }> extended *{ $subscription }*: end date { $before } → { $after } ({ $keys }).
notice-reminder = *{ $subscription }* ends on { $ends_on }, { $days ->
    [0] today
    [one] in 1 day
   *[other] in { $days } days
}. Extend it with /extend.
notice-state-expired = *{ $subscription }* expired on { $ends_on }. Users keep access for now; extend it with /extend.
notice-state-disabled = *{ $subscription }* is now disabled. Extend it with /extend to restore it.
notice-state-deleted = *{ $subscription }* has been deleted.
notice-lockout = <@{ $user }> entered too many invalid product keys; their key entry is locked until <t:{ $until }:t>.
