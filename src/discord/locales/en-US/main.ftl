# licensebot — English (en-US). Every message here must also exist in nl/main.ftl.
# Discord renders <@user>, <#channel>, <@&role> and <t:unix:style> in each reader's own time.

## Commands (names: lower case, no spaces, at most 32 characters)
cmd-add-licenses-name = add-licenses
cmd-add-licenses-desc = Add licenses to a subscription with prepaid product keys
cmd-extend-name = extend
cmd-extend-desc = Extend a subscription's end date with prepaid product keys
cmd-activate-name = activate
cmd-activate-desc = Start a new subscription with prepaid product keys
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
cmd-settings-show-name = show
cmd-settings-show-desc = licensebot's set-up in this server, as a checklist
cmd-settings-language-name = language
cmd-settings-language-desc = The language of notices, requests and direct messages in this server
opt-language-name = language
opt-language-desc = The language
opt-subscription-name = subscription
opt-subscription-desc = The subscription
opt-name-name = name
opt-name-desc = The new subscription's name, unique in this server
opt-keys-name = keys
opt-keys-desc = One or more product keys (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), separated by spaces or commas
opt-channel-name = channel
opt-channel-desc = The channel for notices
opt-role-name = role
opt-role-desc = The manager role; leave it out to clear it

## Words
kind-add-licenses = Add licenses
kind-extend = Extend end date
kind-activate = New subscription
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
error-name-empty = Give the new subscription a name.
error-name-too-long = A subscription's name has at most { $max } characters; this one has { $found }.
error-name-control = A subscription's name can't hold line breaks, control characters or invisible or direction-changing characters such as a zero-width space (character { $position }).
error-name-taken = This server already has a subscription named *{ $subscription }*. Pick another name, or add licenses to it with /add-licenses or extend it with /extend.
error-name-taken-deleted = *{ $subscription }* is the name of a deleted subscription of this server, and a name stays taken after its subscription is deleted. Pick another name.
error-no-keys = Enter at least one product key.
error-too-many-keys = An order can hold at most { $max } product keys; this would make { $entered }.
error-seat-cap = This would give *{ $subscription }* { $would_have } licenses; *{ $product }* allows at most { $max }.
error-wrong-state-add = *{ $subscription }* is { $state }: licenses can only be added to an active subscription. Use /extend first.
error-wrong-state-extend = *{ $subscription }* has been deleted; it can no longer be extended.
error-deleted = *{ $subscription }* has been deleted: nothing can be redeemed on it any more. Start a new subscription with /activate, your product keys and a new name (a deleted subscription keeps its name).
error-less-than-a-day = These product keys would extend *{ $subscription }* by less than one day.
error-out-of-range = These product keys would move the dates beyond the calendar.
error-locked-out = Too many product keys were refused. You can enter product keys again <t:{ $until }:R>.
error-order-not-found = This order doesn't exist in this server. Start again with /add-licenses, /extend or /activate.
error-not-your-order = This order belongs to someone else.
error-order-expired = This order has expired. Nothing was redeemed; start again with /add-licenses, /extend or /activate.
error-order-cancelled = This order was cancelled. Nothing was redeemed.
error-order-redeemed = This order was already redeemed by <@{ $user }> on <t:{ $at }:f>.
error-key-taken = The product key ending in `{ $tail }` was already redeemed by <@{ $user }> on <t:{ $at }:f>. Nothing was redeemed: cancel this order and start again without that key.
error-stale-button = This button is no longer valid.
busy = licensebot is busy; try again in a moment. Nothing was changed.
error-internal = Something went wrong, and nothing was changed. Please try again. (error id { $id })
error-undecodable = I could not read this; nothing was changed.

## Review
review-title-add = Review your order: add licenses
review-title-extend = Review your order: extend end date
review-title-activate = Review your order: new subscription
review-subscription = Subscription
review-keys = Product keys
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Licenses
review-end-date = End date
review-unchanged = { $value } (unchanged)
review-change = { $before } → { $after }
review-new-subscription = New subscription *{ $subscription }* · { $product } · { $licenses } · ends { $ends_on }
review-ends-from-today = { $ends_on } ({ $term } from today, { $today })
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
receipt-body-activate = { $keys } redeemed: *{ $subscription }* has started.
receipt-no-channel = No team channel is set, so nobody else was told: /settings notices
receipt-order-closed = Order closed.
cancelled = Order cancelled. Nothing was redeemed.
expired-review = This order expired. Nothing was redeemed; start again with /add-licenses, /extend or /activate.

## Listings
subscriptions-title = Your products
subscriptions-empty = This server has no subscriptions yet. Start one with /activate and your product keys.
subscriptions-line = { $product } · { $assigned } · ends { $ends_on } · **{ $state }**
redemptions-title = Redemptions
redemptions-title-for = Redemptions: { $subscription }
redemptions-empty = No redemptions yet.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · { $before } → { $after } licenses · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · end date { $before } → { $after } · { $keys }
redemptions-line-activate = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · started: { $licenses } until { $ends_on } · { $keys }
redemptions-page = Page { $page } of { $pages }
button-newer = Newer
button-older = Older

## Settings
settings-notices-saved = Notices will be posted in <#{ $channel }>.
settings-notices-failed = I can't post in <#{ $channel }> ({ $reason }). Give me Send Messages and Embed Links there, or pick another channel. Nothing was changed.
settings-notices-other-server = <#{ $channel }> is not a channel of this server. Pick one of this server's channels. Nothing was changed.
settings-notices-hello = licensebot will post redemption and subscription notices in this channel.
settings-role-saved = Members of <@&{ $role }> may now use licensebot. Discord shows them its commands only once the role is added to licensebot: Server Settings → Integrations → licensebot → add <@&{ $role }>. /settings show tells whether that is done.
settings-role-cleared = There is no manager role any more: only members with Manage Server may use licensebot.

## Notices (in the server's language; never a product key)
notice-redemption-add = <@{ $user }> added { $added } to *{ $subscription }*: { $before } → { $after } licenses ({ $keys }).
notice-redemption-extend = <@{ $user }> extended *{ $subscription }*: end date { $before } → { $after } ({ $keys }).
notice-redemption-activate = <@{ $user }> started *{ $subscription }* ({ $product }): { $licenses } until { $ends_on }, { $keys }.
notice-reminder = *{ $subscription }* ends on { $ends_on }, { $days ->
    [0] today
    [one] in 1 day
   *[other] in { $days } days
}. Extend it with /extend.
notice-state-expired = *{ $subscription }* expired on { $ends_on }. Users keep access for now; extend it with /extend.
notice-state-disabled = *{ $subscription }* is now disabled. Extend it with /extend to restore it.
notice-state-deleted = *{ $subscription }* has been deleted.
notice-lockout = <@{ $user }> entered too many invalid product keys; their key entry is locked until <t:{ $until }:t>.

## Licenses assigned to members
cmd-licenses-name = licenses
cmd-licenses-desc = Give this server's licenses to members, take them back, see who holds them
cmd-licenses-assign-name = assign
cmd-licenses-assign-desc = Give a member a license of a subscription
cmd-licenses-unassign-name = unassign
cmd-licenses-unassign-desc = Take a member's license of a subscription back
cmd-licenses-list-name = list
cmd-licenses-list-desc = Who holds the licenses of a subscription
cmd-my-licenses-name = my-licenses
cmd-my-licenses-desc = The licenses you hold in this server
cmd-request-license-name = request-license
cmd-request-license-desc = Ask this server's admins for a license of a subscription
cmd-settings-license-role-name = license-role
cmd-settings-license-role-desc = A role that members holding a license of a subscription carry
opt-user-name = user
opt-user-desc = The member
opt-license-role-desc = The role; leave it out to unlink the subscription's role
assigned-of = { $assigned } of { $seats } assigned
license-assigned = <@{ $user }> now holds a license of *{ $subscription }*: { $count }.
license-unassigned = <@{ $user }> no longer holds a license of *{ $subscription }*: { $count }.
licenses-title = Licenses: { $subscription }
licenses-empty = Nobody holds a license of *{ $subscription }* yet. Assign one with /licenses assign.
licenses-line = <@{ $user }> · since <t:{ $at }:d> · by <@{ $by }>
licenses-line-requested = <@{ $user }> · since <t:{ $at }:d> · approved by <@{ $by }> on request
licenses-line-operator = <@{ $user }> · since <t:{ $at }:d> · from the command line
licenses-role = License role: <@&{ $role }>
licenses-page = Page { $page } of { $pages }
my-licenses-title = Your licenses
my-licenses-empty = You hold no licenses in this server. Ask for one with /request-license.
my-licenses-line = { $product } · ends { $ends_on } · **{ $state }**

## Refused license changes (one message per cause; nothing was changed)
license-refused-bot = <@{ $user }> is a bot, and bots don't hold licenses.
license-refused-not-member = <@{ $user }> isn't a member of this server.
license-refused-disabled = *{ $subscription }* is disabled: no licenses can be assigned until it is extended with /extend.
license-refused-deleted = *{ $subscription }* has been deleted: its licenses have ended.
license-refused-already = <@{ $user }> already holds a license of *{ $subscription }*.
license-refused-full = { $seats ->
    [one] The only license of *{ $subscription }* is assigned.
   *[other] All { $seats } licenses of *{ $subscription }* are assigned.
} Add licenses with /add-licenses or unassign someone.
license-refused-not-assigned = <@{ $user }> holds no license of *{ $subscription }*. Nothing was changed.
request-refused-open = You already asked for a license of *{ $subscription }* <t:{ $since }:R>; the admins will decide.
request-refused-cooldown-denied = Your last request for *{ $subscription }* was denied. You may ask again <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-cooldown-expired = Your last request for *{ $subscription }* expired without a decision. You may ask again <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-too-many = You already have { $open } open requests in this server, the most a member may have. You may ask again once the admins decide one of them, or when the first expires <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-approved = This request was already approved by <@{ $user }> on <t:{ $at }:f>.
request-refused-denied = This request was already denied by <@{ $user }> on <t:{ $at }:f>.
request-refused-expired = This request expired <t:{ $at }:R>. The member can ask again with /request-license.
request-refused-not-found = This request doesn't exist in this server.
request-refused-no-channel = This server has no notice channel for requests yet. Ask an admin to set one with /settings notices.
request-refused-not-allowed = Only admins (Manage Server, or the manager role) can decide requests. Nothing was changed.
role-refused-everyone = @everyone can't be a license role: every member has it. Pick another role.
role-refused-managed = <@&{ $role }> is managed by a bot or an integration, so licensebot can't give it to members. Pick another role.
role-refused-no-manage-roles = I need the Manage Roles permission to give <@&{ $role }> to members. Grant it to my role, then try again. Nothing was changed.
role-refused-not-below = <@&{ $role }> isn't below my highest role, so Discord won't let me give it. In Server Settings → Roles, drag my role above it, then try again. Nothing was changed.
role-refused-manager = <@&{ $role }> is this server's manager role: its members may use licensebot's admin commands, so it can't be handed out with a license. Pick another role. Nothing was changed.
role-refused-powerful = <@&{ $role }> carries power over the server ({ $powers }). A license role grants access, never power: pick a role without such permissions, or take them off this one in Server Settings → Roles. Nothing was changed.
power-administrator = Administrator
power-manage-server = Manage Server
power-manage-roles = Manage Roles
power-manage-channels = Manage Channels
power-manage-webhooks = Manage Webhooks
power-manage-messages = Manage Messages
power-kick-members = Kick Members
power-ban-members = Ban Members
power-moderate-members = Timeout Members
power-mention-everyone = Mention @everyone, @here and All Roles
role-check-failed = I couldn't read this server's roles from Discord ({ $reason }). Nothing was changed; try again.

## License roles and requests
settings-license-role-saved = Members holding a license of *{ $subscription }* will carry <@&{ $role }> while it is active or expired.
settings-license-role-removed = *{ $subscription }* has no license role any more; I'm taking <@&{ $role }> from its holders.
settings-license-role-none = *{ $subscription }* has no license role. Nothing was changed.
request-posted = Your request for a license of *{ $subscription }* was sent to the admins. If your direct messages are open, I'll tell you when they decide.
button-approve = Approve
button-deny = Deny
request-approved-line = ✅ Approved by <@{ $by }> at <t:{ $at }:f>.
request-denied-line = ❌ Denied by <@{ $by }> at <t:{ $at }:f>.
request-expired-line = ⌛ Expired at <t:{ $at }:f>: nobody decided within 7 days.
request-approved-reply = Approved: <@{ $user }> now holds a license of *{ $subscription }* ({ $count }).
request-denied-reply = Denied: <@{ $user }> gets no license of *{ $subscription }*.
notice-license-request = <@{ $user }> asks for a license of *{ $subscription }* ({ $product }).
notice-licenses-full = The last free license of *{ $subscription }* was just assigned: { $seats ->
    [one] its only license is in use.
   *[other] all { $seats } are in use.
} Add licenses with /add-licenses.
notice-member-gone = <@{ $user }> is no longer in this server; { $count ->
    [one] their license of { $subscriptions } was released.
   *[other] their licenses of { $subscriptions } were released.
}
notice-role-refused = Discord refused to let me change <@&{ $role }> ({ $error }). I've stopped changing it: give me Manage Roles and put my role above it, then link it again with /settings license-role.
notice-role-halted-powerful = <@&{ $role }> now carries power over the server ({ $powers }), so I've stopped giving it with licenses: a license role grants access, never power. Take those permissions off it, then link it again with /settings license-role.
notice-role-halted-manager = <@&{ $role }> is now this server's manager role, so I've stopped giving it with licenses. Choose another manager role or license role, then link it again with /settings license-role.
dm-request-approved = Your request for a license of *{ $subscription }* was approved by <@{ $by }>.
dm-request-denied = Your request for a license of *{ $subscription }* was declined by <@{ $by }>.

## The set-up checklist (/settings show): one line each, ✅ or ⚠️ with what to do
settings-show-title = licensebot's set-up in this server
language-name = English
permission-view-channel = View Channel
permission-send-messages = Send Messages
permission-embed-links = Embed Links
check-channel-none = ⚠️ No notice channel is set: notices wait for one (up to 7 days), and nobody sees them. Set one with /settings notices.
check-channel-ok = ✅ Notices are posted in <#{ $channel }>.
check-channel-gone = ⚠️ The notice channel <#{ $channel }> is gone. Pick another with /settings notices.
check-channel-hidden = ⚠️ I can't see <#{ $channel }>. Give me View Channel there (Edit Channel → Permissions), or pick another channel with /settings notices.
check-channel-missing = ⚠️ I lack { $permissions } in <#{ $channel }>. Give me them there (Edit Channel → Permissions), or pick another channel with /settings notices.
check-channel-unknown = ⚠️ I couldn't check <#{ $channel }> with Discord ({ $reason }). Try again in a moment.
check-manager-none = ✅ No manager role: members with Manage Server use licensebot. To let another role use it, use /settings manager-role.
check-manager-shown = ✅ Members of <@&{ $role }> may use licensebot, and Discord shows them its commands.
check-manager-hidden = ⚠️ Members of <@&{ $role }> may use licensebot, but Discord hides its commands from them. Server Settings → Integrations → licensebot → add <@&{ $role }>.
check-manager-gone = ⚠️ The manager role is gone. Choose another with /settings manager-role, or leave out the role to clear it.
check-manager-unknown = ⚠️ I couldn't ask Discord whether it shows licensebot's commands to <@&{ $role }> ({ $reason }). If it doesn't: Server Settings → Integrations → licensebot → add <@&{ $role }>.
check-language-server = ✅ Notices, requests and direct messages are in { $language }, this server's language in Discord. Choose another with /settings language.
settings-language-saved = Notices, requests and direct messages in this server are in { $language } from now on.
check-language-chosen = ✅ Notices, requests and direct messages are in { $language } (chosen with /settings language).
check-roles-none = ✅ No license roles are linked (/settings license-role).
check-roles-unknown = ⚠️ I couldn't read this server's roles from Discord ({ $reason }), so the license roles aren't checked. Try again in a moment.
check-role-ok = ✅ <@&{ $role }> goes with the licenses of *{ $subscription }*, and I can give it.
check-role-gone = ⚠️ The license role of *{ $subscription }* is gone. Link another with /settings license-role.
check-role-no-manage-roles = ⚠️ I can't give <@&{ $role }> (*{ $subscription }*): I need Manage Roles. Grant it to my role in Server Settings → Roles.
check-role-not-below = ⚠️ I can't give <@&{ $role }> (*{ $subscription }*): it isn't below my highest role. In Server Settings → Roles, drag my role above it.
check-role-powerful = ⚠️ <@&{ $role }> (*{ $subscription }*) carries power over the server ({ $powers }), so I don't give it. Take those permissions off it in Server Settings → Roles, then link it again with /settings license-role.
check-role-unusable = ⚠️ <@&{ $role }> can't be the license role of *{ $subscription }* (it is @everyone, an integration's role, or the manager role). Link another with /settings license-role.
check-ending-none = ✅ No subscription ends within 30 days.
check-ending = ⚠️ *{ $subscription }* ends <t:{ $at }:R> (<t:{ $at }:D>). Extend it with /extend.
check-waiting-none = ✅ No notices are waiting for a channel.
check-waiting = ⚠️ { $count ->
    [one] 1 notice is
   *[other] { $count } notices are
} waiting for a notice channel, kept until <t:{ $until }:f>. Set one with /settings notices.

## Taking back what was sold (src/discord/render_refunds.rs)
notice-reversal-seats = The vendor reversed the product key ending in `{ $tail }`: *{ $subscription }* now has { $seats_after }, was { $seats_before }.
notice-reversal-ends = The vendor reversed the product key ending in `{ $tail }`: *{ $subscription }* now ends on { $ends_after }, was { $ends_before }.
notice-reversal-both = The vendor reversed the product key ending in `{ $tail }`: *{ $subscription }* now has { $seats_after }, was { $seats_before }, and ends on { $ends_after }, was { $ends_before }.
notice-reversal-released = { $count ->
    [one] The license of { $members } was released to fit.
   *[other] The licenses of { $members } were released to fit.
}
redemptions-reversals = Reversals (refunds)
redemptions-line-reversal = <t:{ $at }:f> · key ending in `{ $tail }` reversed · *{ $subscription }* · { $change }
redemptions-reversal-seats = { $before } → { $after } licenses
redemptions-reversal-ends = end date { $before } → { $after }
state-suspended = Suspended
error-suspended = *{ $subscription }* is suspended by the vendor. Contact the vendor.
notice-suspended = *{ $subscription }* is suspended by the vendor. Licenses stay assigned, but give no access until the vendor resumes it.
notice-resumed = *{ $subscription }* was resumed by the vendor: its licenses give access again.
