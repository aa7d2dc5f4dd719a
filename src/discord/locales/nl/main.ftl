# licensebot — Nederlands (nl). Woorden uit de oorspronkelijke beheercentrumpagina:
# productcode, abonnement, licentie, licenties toevoegen, einddatum verlengen, inwisselen.

## Opdrachten
cmd-add-licenses-name = licenties-toevoegen
cmd-add-licenses-desc = Licenties toevoegen aan een abonnement met vooruitbetaalde productcodes
cmd-extend-name = verlengen
cmd-extend-desc = De einddatum van een abonnement verlengen met vooruitbetaalde productcodes
cmd-subscriptions-name = abonnementen
cmd-subscriptions-desc = Mijn producten: de abonnementen van deze server
cmd-redemptions-name = inwisselingen
cmd-redemptions-desc = De inwisselingen in deze server, nieuwste eerst
cmd-settings-name = instellingen
cmd-settings-desc = De instellingen van licensebot voor deze server
cmd-settings-notices-name = meldingen
cmd-settings-notices-desc = Waar meldingen over inwisselingen en abonnementen worden geplaatst
cmd-settings-manager-role-name = beheerdersrol
cmd-settings-manager-role-desc = Een rol waarvan de leden licensebot mogen gebruiken zonder Server beheren
opt-subscription-name = abonnement
opt-subscription-desc = Het abonnement
opt-keys-name = productcodes
opt-keys-desc = Een of meer productcodes (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), gescheiden door spaties of komma's
opt-channel-name = kanaal
opt-channel-desc = Het kanaal voor meldingen
opt-role-name = rol
opt-role-desc = De beheerdersrol

## Woorden
kind-add-licenses = Licenties toevoegen
kind-extend = Einddatum verlengen
state-active = Actief
state-expired = Verlopen
state-disabled = Uitgeschakeld
state-deleted = Verwijderd
licenses = { $count ->
    [one] 1 licentie
   *[other] { $count } licenties
}
product-keys = { $count ->
    [one] 1 productcode
   *[other] { $count } productcodes
}
term-months = { $count ->
    [one] 1 maand
   *[other] { $count } maanden
}
term-days = { $count ->
    [one] 1 dag
   *[other] { $count } dagen
}

## Geweigerde productcodes
refusal-character = `{ $masked }` is geen geldige productcode: teken { $position } ('{ $found }') komt nooit voor in productcodes.
refusal-length = `{ $masked }` is geen geldige productcode: deze heeft { $found } tekens, en productcodes hebben er 25.
refusal-unknown = De productcode die eindigt op `{ $tail }` is niet geldig. Controleer de code en probeer het opnieuw.
refusal-redeemed = De productcode die eindigt op `{ $tail }` is al gebruikt. Voer een andere productcode in.
refusal-revoked = De productcode die eindigt op `{ $tail }` is ingetrokken.
refusal-expired = De productcode die eindigt op `{ $tail }` is verlopen.
refusal-other-product = De productcode die eindigt op `{ $tail }` is voor *{ $key_product }*, niet voor *{ $subscription_product }*.
refusal-repeated = U hebt deze productcode al ingevoerd (`{ $masked }`).
refusal-repeated-unnamed = U hebt deze productcode al ingevoerd.
refusal-nothing-changed = Er is niets gewijzigd.

## Geweigerde orders
error-not-in-guild = licensebot werkt alleen in servers.
error-not-allowed = U hebt de machtiging Server beheren of de beheerdersrol nodig om licensebot te gebruiken.
error-settings-not-allowed = U hebt de machtiging Server beheren nodig om de instellingen van licensebot te wijzigen.
error-subscription-not-found = Deze server heeft zo'n abonnement niet. Kies er een uit de lijst.
error-no-keys = Voer ten minste één productcode in.
error-too-many-keys = Een order kan ten hoogste { $max } productcodes bevatten; dit zouden er { $entered } worden.
error-seat-cap = Hiermee zou *{ $subscription }* { $would_have } licenties krijgen; *{ $product }* staat er ten hoogste { $max } toe.
error-wrong-state-add = *{ $subscription }* is { $state }: licenties kunnen alleen aan een actief abonnement worden toegevoegd. Gebruik eerst /verlengen.
error-wrong-state-extend = *{ $subscription }* is verwijderd en kan niet meer worden verlengd.
error-less-than-a-day = Deze productcodes zouden *{ $subscription }* met minder dan één dag verlengen.
error-out-of-range = Met deze productcodes zouden de datums buiten de kalender vallen.
error-locked-out = Er zijn te veel productcodes geweigerd. U kunt <t:{ $until }:R> weer productcodes invoeren.
error-order-not-found = Deze order bestaat niet in deze server. Begin opnieuw met /licenties-toevoegen of /verlengen.
error-not-your-order = Deze order is van iemand anders.
error-order-expired = Deze order is verlopen. Er is niets ingewisseld; begin opnieuw met /licenties-toevoegen of /verlengen.
error-order-cancelled = Deze order is geannuleerd. Er is niets ingewisseld.
error-order-redeemed = Deze order is al ingewisseld door <@{ $user }> om <t:{ $at }:t>.
error-key-taken = De productcode die eindigt op `{ $tail }` is al ingewisseld door <@{ $user }> om <t:{ $at }:t>. Er is niets ingewisseld: annuleer deze order en begin opnieuw zonder die code.
error-stale-button = Deze knop is niet meer geldig.
busy = licensebot heeft het druk; probeer het zo nog eens. Er is niets gewijzigd.
error-internal = Er is iets misgegaan en er is niets gewijzigd. Probeer het opnieuw. (foutcode { $id })

## Controleren
review-title-add = Controleer uw ordergegevens: licenties toevoegen
review-title-extend = Controleer uw ordergegevens: einddatum verlengen
review-subscription = Abonnement
review-keys = Productcodes
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Licenties
review-end-date = Einddatum
review-unchanged = { $value } (ongewijzigd)
review-change = { $before } → { $after }
review-seat-time = Licentietijd
review-seat-time-part = { $seats } × { $days } dagen
review-seat-time-sum = { $parts } = { $seat_days } licentiedagen ÷ { $seats } licenties = { $days } dagen (naar beneden afgerond)
review-base-today = *{ $subscription }* is uitgeschakeld, dus de verlenging telt vanaf vandaag, { $today }.
review-coterm = Deze licenties eindigen samen met het abonnement op { $ends_on }; gebruik /verlengen om het te verlengen.
review-expires = Deze order verloopt <t:{ $at }:R>.
button-redeem = Inwisselen
button-add-key = Een andere productcode toevoegen
button-cancel = Annuleren
modal-title = Een andere productcode toevoegen
modal-keys-label = Productcodes
modal-keys-placeholder = XXXXX-XXXXX-XXXXX-XXXXX-XXXXX

## Na de order
receipt-title = Ingewisseld
receipt-body = { $keys } ingewisseld op *{ $subscription }*.
receipt-order-closed = Order gesloten.
cancelled = Order geannuleerd. Er is niets ingewisseld.
expired-review = Deze order is verlopen. Er is niets ingewisseld; begin opnieuw met /licenties-toevoegen of /verlengen.

## Overzichten
subscriptions-title = Mijn producten
subscriptions-empty = Deze server heeft nog geen abonnementen.
subscriptions-line = { $product } · { $licenses } · eindigt { $ends_on } · **{ $state }**
redemptions-title = Inwisselingen
redemptions-title-for = Inwisselingen: { $subscription }
redemptions-empty = Nog geen inwisselingen.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · { $before } → { $after } licenties · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · einddatum { $before } → { $after } · { $keys }
redemptions-page = Pagina { $page } van { $pages }
button-newer = Nieuwer
button-older = Ouder

## Instellingen
settings-notices-saved = Meldingen worden geplaatst in <#{ $channel }>.
settings-notices-failed = Ik kan niet posten in <#{ $channel }> ({ $reason }). Geef mij daar Berichten versturen en Links insluiten, of kies een ander kanaal. Er is niets gewijzigd.
settings-notices-hello = licensebot plaatst in dit kanaal meldingen over inwisselingen en abonnementen.
settings-role-saved = Leden van <@&{ $role }> mogen nu licensebot gebruiken.

## Meldingen (in de taal van de server; nooit een productcode)
notice-redemption-add = <@{ $user }> heeft { $added } toegevoegd aan *{ $subscription }*: { $before } → { $after } licenties ({ $keys }).
notice-redemption-extend = <@{ $user }> heeft *{ $subscription }* verlengd: einddatum { $before } → { $after } ({ $keys }).
notice-reminder = *{ $subscription }* eindigt op { $ends_on }, { $days ->
    [0] vandaag
    [one] over 1 dag
   *[other] over { $days } dagen
}. Verleng het met /verlengen.
notice-state-expired = *{ $subscription }* is verlopen op { $ends_on }. Gebruikers houden voorlopig toegang; verleng het met /verlengen.
notice-state-disabled = *{ $subscription }* is nu uitgeschakeld. Verleng het met /verlengen om het te herstellen.
notice-state-deleted = *{ $subscription }* is verwijderd.
notice-lockout = <@{ $user }> heeft te veel ongeldige productcodes ingevoerd; productcodes invoeren is voor hen geblokkeerd tot <t:{ $until }:t>.
