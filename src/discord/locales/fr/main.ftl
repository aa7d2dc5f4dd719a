# licensebot — français (fr). Termes du Centre d’administration Microsoft 365 : clé de produit,
# abonnement, licence(s), échanger, prolonger la date de fin. Vouvoiement.
# Discord affiche <@user>, <#channel>, <@&role> et <t:unix:style> à l’heure de chaque lecteur.

## Commandes (noms : minuscules, sans espaces, 32 caractères au plus)
cmd-add-licenses-name = ajouter-licences
cmd-add-licenses-desc = Ajouter des licences à un abonnement avec des clés de produit prépayées
cmd-extend-name = prolonger
cmd-extend-desc = Prolonger la date de fin d’un abonnement avec des clés de produit prépayées
cmd-activate-name = activer
cmd-activate-desc = Démarrer un nouvel abonnement avec des clés de produit prépayées
cmd-subscriptions-name = abonnements
cmd-subscriptions-desc = Vos produits : les abonnements de ce serveur
cmd-redemptions-name = échanges
cmd-redemptions-desc = Les échanges effectués sur ce serveur, du plus récent au plus ancien
cmd-settings-name = paramètres
cmd-settings-desc = Les paramètres de licensebot pour ce serveur
cmd-settings-notices-name = notifications
cmd-settings-notices-desc = Où publier les notifications d’échanges et d’abonnements
cmd-settings-manager-role-name = rôle-gestionnaire
cmd-settings-manager-role-desc = Un rôle dont les membres peuvent utiliser licensebot sans Gérer le serveur
opt-subscription-name = abonnement
opt-subscription-desc = L’abonnement
opt-name-name = nom
opt-name-desc = Le nom du nouvel abonnement, unique sur ce serveur
opt-keys-name = clés
opt-keys-desc = Une ou plusieurs clés de produit (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), séparées par espaces ou virgules
opt-channel-name = salon
opt-channel-desc = Le salon des notifications
opt-role-name = rôle
opt-role-desc = Le rôle gestionnaire ; omettez-le pour le retirer

## Mots
kind-add-licenses = Ajouter des licences
kind-extend = Prolonger la date de fin
kind-activate = Nouvel abonnement
state-active = Actif
state-expired = Expiré
state-disabled = Désactivé
state-deleted = Supprimé
licenses = { $count ->
    [one] { $count } licence
   *[other] { $count } licences
}
product-keys = { $count ->
    [one] { $count } clé de produit
   *[other] { $count } clés de produit
}
term-months = { $count ->
    [one] { $count } mois
   *[other] { $count } mois
}
term-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}

## Clés refusées (un message par cause)
refusal-character = `{ $masked }` n’est pas une clé de produit valide : le caractère { $position } (« { $found } ») n’est jamais utilisé dans les clés de produit.
refusal-length = `{ $masked }` n’est pas une clé de produit valide : elle compte { $found } caractères, et les clés de produit en comptent 25.
refusal-unknown = La clé de produit se terminant par `{ $tail }` n’est pas valide. Vérifiez-la et réessayez.
refusal-redeemed = La clé de produit se terminant par `{ $tail }` a déjà été utilisée. Entrez une autre clé de produit.
refusal-revoked = La clé de produit se terminant par `{ $tail }` a été révoquée.
refusal-expired = La clé de produit se terminant par `{ $tail }` a expiré.
refusal-other-product = La clé de produit se terminant par `{ $tail }` est destinée à *{ $key_product }*, et non à *{ $subscription_product }*.
refusal-repeated = Vous avez déjà entré cette clé de produit (`{ $masked }`).
refusal-repeated-unnamed = Vous avez déjà entré cette clé de produit.
refusal-nothing-changed = Rien n’a été modifié.

## Commandes refusées
error-not-in-guild = licensebot ne fonctionne que sur des serveurs.
error-not-allowed = Vous avez besoin de l’autorisation Gérer le serveur, ou du rôle gestionnaire, pour utiliser licensebot.
error-settings-not-allowed = Vous avez besoin de l’autorisation Gérer le serveur pour modifier les paramètres de licensebot.
error-subscription-not-found = Ce serveur n’a pas d’abonnement de ce nom. Choisissez-en un dans la liste.
error-name-empty = Donnez un nom au nouvel abonnement.
error-name-too-long = Le nom d’un abonnement compte au plus { $max } caractères ; celui-ci en compte { $found }.
error-name-control = Le nom d’un abonnement ne peut pas contenir de sauts de ligne, de caractères de contrôle, ni de caractères invisibles ou changeant le sens d’écriture comme l’espace sans chasse (caractère { $position }).
error-name-taken = Ce serveur a déjà un abonnement nommé *{ $subscription }*. Choisissez un autre nom, ou ajoutez-lui des licences avec /ajouter-licences ou prolongez-le avec /prolonger.
error-name-taken-deleted = *{ $subscription }* est le nom d’un abonnement supprimé de ce serveur, et un nom reste pris après la suppression de son abonnement. Choisissez un autre nom.
error-no-keys = Entrez au moins une clé de produit.
error-too-many-keys = Une commande peut contenir au plus { $max } clés de produit ; celle-ci en aurait { $entered }.
error-seat-cap = *{ $subscription }* aurait ainsi { $would_have } licences ; *{ $product }* en autorise au plus { $max }.
error-wrong-state-add = *{ $subscription }* est à l’état { $state } : les licences ne peuvent être ajoutées qu’à un abonnement actif. Utilisez d’abord /prolonger.
error-wrong-state-extend = *{ $subscription }* a été supprimé ; il ne peut plus être prolongé.
error-less-than-a-day = Ces clés de produit prolongeraient *{ $subscription }* de moins d’un jour.
error-out-of-range = Ces clés de produit repousseraient les dates au-delà du calendrier.
error-locked-out = Trop de clés de produit ont été refusées. Vous pourrez de nouveau entrer des clés de produit <t:{ $until }:R>.
error-order-not-found = Cette commande n’existe pas sur ce serveur. Recommencez avec /ajouter-licences, /prolonger ou /activer.
error-not-your-order = Cette commande appartient à quelqu’un d’autre.
error-order-expired = Cette commande a expiré. Rien n’a été échangé ; recommencez avec /ajouter-licences, /prolonger ou /activer.
error-order-cancelled = Cette commande a été annulée. Rien n’a été échangé.
error-order-redeemed = Cette commande a déjà été échangée par <@{ $user }> le <t:{ $at }:f>.
error-key-taken = La clé de produit se terminant par `{ $tail }` a déjà été échangée par <@{ $user }> le <t:{ $at }:f>. Rien n’a été échangé : annulez cette commande et recommencez sans cette clé.
error-stale-button = Ce bouton n’est plus valide.
busy = licensebot est occupé ; réessayez dans un instant. Rien n’a été modifié.
error-internal = Une erreur s’est produite, et rien n’a été modifié. Veuillez réessayer. (identifiant d’erreur { $id })
error-undecodable = Je n’ai pas pu lire ceci ; rien n’a été modifié.

## Vérification
review-title-add = Vérifiez votre commande : ajouter des licences
review-title-extend = Vérifiez votre commande : prolonger la date de fin
review-title-activate = Vérifiez votre commande : nouvel abonnement
review-subscription = Abonnement
review-keys = Clés de produit
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Licences
review-end-date = Date de fin
review-unchanged = { $value } (inchangé)
review-change = { $before } → { $after }
review-new-subscription = Nouvel abonnement *{ $subscription }* · { $product } · { $licenses } · se termine le { $ends_on }
review-ends-from-today = { $ends_on } ({ $term } à partir d’aujourd’hui, { $today })
review-seat-time = Durée par licence
review-seat-time-part = { $seats } × { $days } jours
review-seat-time-sum = { $parts } = { $seat_days } jours-licence ÷ { $seats } licences = { $days } jours (arrondi à l’inférieur)
review-base-today = *{ $subscription }* est désactivé ; la prolongation compte donc à partir d’aujourd’hui, { $today }.
review-coterm = Ces licences se terminent avec l’abonnement le { $ends_on } ; utilisez /prolonger pour le prolonger.
review-expires = Cette commande expire <t:{ $at }:R>.
button-redeem = Échanger
button-add-key = Ajouter une autre clé de produit
button-cancel = Annuler
modal-title = Ajouter une autre clé de produit
modal-keys-label = Clés de produit
modal-keys-placeholder = XXXXX-XXXXX-XXXXX-XXXXX-XXXXX

## Après la commande
receipt-title = Échangé
receipt-body = Échange effectué sur *{ $subscription }* : { $keys }.
receipt-body-activate = Échange effectué : { $keys }. *{ $subscription }* a démarré.
receipt-order-closed = Commande clôturée.
cancelled = Commande annulée. Rien n’a été échangé.
expired-review = Cette commande a expiré. Rien n’a été échangé ; recommencez avec /ajouter-licences, /prolonger ou /activer.

## Listes
subscriptions-title = Vos produits
subscriptions-empty = Ce serveur n’a pas encore d’abonnement. Démarrez-en un avec /activer et vos clés de produit.
subscriptions-line = { $product } · { $assigned } · se termine le { $ends_on } · **{ $state }**
redemptions-title = Échanges
redemptions-title-for = Échanges : { $subscription }
redemptions-empty = Aucun échange pour l’instant.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · { $before } → { $after } licences · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · date de fin { $before } → { $after } · { $keys }
redemptions-line-activate = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · démarré : { $licenses } jusqu’au { $ends_on } · { $keys }
redemptions-page = Page { $page } sur { $pages }
button-newer = Plus récents
button-older = Plus anciens

## Paramètres
settings-notices-saved = Les notifications seront publiées dans <#{ $channel }>.
settings-notices-failed = Je ne peux pas publier dans <#{ $channel }> ({ $reason }). Donnez-moi les autorisations Envoyer des messages et Intégrer des liens dans ce salon, ou choisissez un autre salon. Rien n’a été modifié.
settings-notices-other-server = <#{ $channel }> n’est pas un salon de ce serveur. Choisissez l’un des salons de ce serveur. Rien n’a été modifié.
settings-notices-hello = licensebot publiera les notifications d’échanges et d’abonnements dans ce salon.
settings-role-saved = Les membres de <@&{ $role }> peuvent désormais utiliser licensebot. Discord ne leur montre ses commandes qu’une fois le rôle ajouté à licensebot : Paramètres du serveur → Intégrations → licensebot → ajoutez <@&{ $role }>. /paramètres afficher indique si c’est fait.

## Notifications (dans la langue du serveur ; jamais de clé de produit)
notice-redemption-add = <@{ $user }> a ajouté { $added } à *{ $subscription }* : { $before } → { $after } licences ({ $keys }).
notice-redemption-extend = <@{ $user }> a prolongé *{ $subscription }* : date de fin { $before } → { $after } ({ $keys }).
notice-redemption-activate = <@{ $user }> a démarré *{ $subscription }* ({ $product }) : { $licenses } jusqu’au { $ends_on }, { $keys }.
notice-reminder = *{ $subscription }* se termine le { $ends_on }, { $days ->
    [0] aujourd’hui
    [one] dans 1 jour
   *[other] dans { $days } jours
}. Prolongez-le avec /prolonger.
notice-state-expired = *{ $subscription }* a expiré le { $ends_on }. Les utilisateurs gardent leur accès pour le moment ; prolongez-le avec /prolonger.
notice-state-disabled = *{ $subscription }* est désormais désactivé. Prolongez-le avec /prolonger pour le rétablir.
notice-state-deleted = *{ $subscription }* a été supprimé.
notice-lockout = <@{ $user }> a entré trop de clés de produit non valides ; sa saisie de clés est bloquée jusqu’à <t:{ $until }:t>.

## Licences attribuées aux membres
cmd-licenses-name = licences
cmd-licenses-desc = Attribuer les licences de ce serveur aux membres, les retirer, voir qui les détient
cmd-licenses-assign-name = attribuer
cmd-licenses-assign-desc = Attribuer à un membre une licence d’un abonnement
cmd-licenses-unassign-name = retirer
cmd-licenses-unassign-desc = Retirer à un membre sa licence d’un abonnement
cmd-licenses-list-name = liste
cmd-licenses-list-desc = Qui détient les licences d’un abonnement
cmd-my-licenses-name = mes-licences
cmd-my-licenses-desc = Les licences que vous détenez sur ce serveur
cmd-request-license-name = demander-licence
cmd-request-license-desc = Demander aux administrateurs de ce serveur une licence d’un abonnement
cmd-settings-license-role-name = rôle-licence
cmd-settings-license-role-desc = Un rôle porté par les membres qui détiennent une licence d’un abonnement
opt-user-name = membre
opt-user-desc = Le membre
opt-license-role-desc = Le rôle ; omettez-le pour dissocier le rôle de l’abonnement
assigned-of = { $assigned } sur { $seats } attribuées
license-assigned = <@{ $user }> détient désormais une licence de *{ $subscription }* : { $count }.
license-unassigned = <@{ $user }> ne détient plus de licence de *{ $subscription }* : { $count }.
licenses-title = Licences : { $subscription }
licenses-empty = Personne ne détient encore de licence de *{ $subscription }*. Attribuez-en une avec /licences attribuer.
licenses-line = <@{ $user }> · depuis le <t:{ $at }:d> · par <@{ $by }>
licenses-line-requested = <@{ $user }> · depuis le <t:{ $at }:d> · approuvée par <@{ $by }> sur demande
licenses-line-operator = <@{ $user }> · depuis le <t:{ $at }:d> · depuis la ligne de commande
licenses-role = Rôle de licence : <@&{ $role }>
licenses-page = Page { $page } sur { $pages }
my-licenses-title = Vos licences
my-licenses-empty = Vous ne détenez aucune licence sur ce serveur. Demandez-en une avec /demander-licence.
my-licenses-line = { $product } · se termine le { $ends_on } · **{ $state }**

## Modifications de licences refusées (un message par cause ; rien n’a été modifié)
license-refused-bot = <@{ $user }> est un bot, et les bots ne détiennent pas de licences.
license-refused-not-member = <@{ $user }> n’est pas membre de ce serveur.
license-refused-disabled = *{ $subscription }* est désactivé : aucune licence ne peut être attribuée tant qu’il n’a pas été prolongé avec /prolonger.
license-refused-deleted = *{ $subscription }* a été supprimé : ses licences ont pris fin.
license-refused-already = <@{ $user }> détient déjà une licence de *{ $subscription }*.
license-refused-full = { $seats ->
    [one] La seule licence de *{ $subscription }* est attribuée.
   *[other] Les { $seats } licences de *{ $subscription }* sont toutes attribuées.
} Ajoutez des licences avec /ajouter-licences ou retirez-en une à quelqu’un.
license-refused-not-assigned = <@{ $user }> ne détient aucune licence de *{ $subscription }*. Rien n’a été modifié.
request-refused-open = Vous avez déjà demandé une licence de *{ $subscription }* <t:{ $since }:R> ; les administrateurs décideront.
request-refused-cooldown-denied = Votre dernière demande pour *{ $subscription }* a été refusée. Vous pourrez en faire une nouvelle <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-cooldown-expired = Votre dernière demande pour *{ $subscription }* a expiré sans décision. Vous pourrez en faire une nouvelle <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-too-many = Vous avez déjà { $open } demandes en cours sur ce serveur, le maximum pour un membre. Vous pourrez en faire une nouvelle dès que les administrateurs auront statué sur l’une d’elles, ou à l’expiration de la première <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-approved = Cette demande a déjà été approuvée par <@{ $user }> le <t:{ $at }:f>.
request-refused-denied = Cette demande a déjà été refusée par <@{ $user }> le <t:{ $at }:f>.
request-refused-expired = Cette demande a expiré <t:{ $at }:R>. Le membre peut en faire une nouvelle avec /demander-licence.
request-refused-not-found = Cette demande n’existe pas sur ce serveur.
request-refused-no-channel = Ce serveur n’a pas encore de salon de notifications pour les demandes. Demandez à un administrateur d’en définir un avec /paramètres notifications.
request-refused-not-allowed = Seuls les administrateurs (Gérer le serveur, ou le rôle gestionnaire) peuvent statuer sur les demandes. Rien n’a été modifié.
role-refused-everyone = @everyone ne peut pas être un rôle de licence : tous les membres l’ont. Choisissez un autre rôle.
role-refused-managed = <@&{ $role }> est géré par un bot ou une intégration, licensebot ne peut donc pas le donner aux membres. Choisissez un autre rôle.
role-refused-no-manage-roles = J’ai besoin de l’autorisation Gérer les rôles pour donner <@&{ $role }> aux membres. Accordez-la à mon rôle, puis réessayez. Rien n’a été modifié.
role-refused-not-below = <@&{ $role }> n’est pas sous mon rôle le plus élevé, Discord ne me laisse donc pas le donner. Dans Paramètres du serveur → Rôles, faites glisser mon rôle au-dessus, puis réessayez. Rien n’a été modifié.
role-refused-manager = <@&{ $role }> est le rôle gestionnaire de ce serveur : ses membres peuvent utiliser les commandes d’administration de licensebot, il ne peut donc pas être donné avec une licence. Choisissez un autre rôle. Rien n’a été modifié.
role-refused-powerful = <@&{ $role }> porte { $powers }, qui donnent du pouvoir sur le serveur. Un rôle de licence donne un accès, jamais un pouvoir : choisissez un rôle sans ces autorisations, ou retirez-les de celui-ci dans Paramètres du serveur → Rôles. Rien n’a été modifié.
power-administrator = Administrateur
power-manage-server = Gérer le serveur
power-manage-roles = Gérer les rôles
power-manage-channels = Gérer les salons
power-manage-webhooks = Gérer les webhooks
power-manage-messages = Gérer les messages
power-kick-members = Expulser des membres
power-ban-members = Bannir des membres
power-moderate-members = Exclure temporairement des membres
power-mention-everyone = Mentionner @everyone, @here et tous les rôles
role-check-failed = Je n’ai pas pu lire les rôles de ce serveur auprès de Discord ({ $reason }). Rien n’a été modifié ; réessayez.

## Rôles de licence et demandes
settings-license-role-saved = Les membres qui détiennent une licence de *{ $subscription }* porteront <@&{ $role }> tant qu’il est actif ou expiré.
settings-license-role-removed = *{ $subscription }* n’a plus de rôle de licence ; je retire <@&{ $role }> à ses titulaires.
settings-license-role-none = *{ $subscription }* n’a pas de rôle de licence. Rien n’a été modifié.
request-posted = Votre demande de licence de *{ $subscription }* a été envoyée aux administrateurs. Si vos messages privés sont ouverts, je vous préviendrai de leur décision.
button-approve = Approuver
button-deny = Refuser
request-approved-line = ✅ Approuvée par <@{ $by }> le <t:{ $at }:f>.
request-denied-line = ❌ Refusée par <@{ $by }> le <t:{ $at }:f>.
request-expired-line = ⌛ Expirée le <t:{ $at }:f> : personne n’a statué sous 7 jours.
request-approved-reply = Approuvée : <@{ $user }> détient désormais une licence de *{ $subscription }* ({ $count }).
request-denied-reply = Refusée : <@{ $user }> n’obtient pas de licence de *{ $subscription }*.
notice-license-request = <@{ $user }> demande une licence de *{ $subscription }* ({ $product }).
notice-licenses-full = La dernière licence libre de *{ $subscription }* vient d’être attribuée : { $seats ->
    [one] sa seule licence est utilisée.
   *[other] les { $seats } sont toutes utilisées.
} Ajoutez des licences avec /ajouter-licences.
notice-member-gone = <@{ $user }> n’est plus sur ce serveur ; { $count ->
    [one] sa licence de { $subscriptions } a été libérée.
   *[other] ses licences de { $subscriptions } ont été libérées.
}
notice-role-refused = Discord a refusé que je modifie <@&{ $role }> ({ $error }). J’ai cessé de le modifier : donnez-moi Gérer les rôles et placez mon rôle au-dessus, puis liez-le de nouveau avec /paramètres rôle-licence.
notice-role-halted-powerful = <@&{ $role }> porte désormais { $powers }, qui donnent du pouvoir sur le serveur ; j’ai donc cessé de le donner avec les licences : un rôle de licence donne un accès, jamais un pouvoir. Retirez-lui ces autorisations, puis liez-le de nouveau avec /paramètres rôle-licence.
notice-role-halted-manager = <@&{ $role }> est désormais le rôle gestionnaire de ce serveur ; j’ai donc cessé de le donner avec les licences. Choisissez un autre rôle gestionnaire ou rôle de licence, puis liez-le de nouveau avec /paramètres rôle-licence.
dm-request-approved = Votre demande de licence de *{ $subscription }* a été approuvée par <@{ $by }>.
dm-request-denied = Votre demande de licence de *{ $subscription }* a été refusée par <@{ $by }>.

## Reprendre ce qui a été vendu (src/discord/render_refunds.rs)
notice-reversal-seats = Le fournisseur a annulé la clé de produit se terminant par `{ $tail }` : *{ $subscription }* a maintenant { $seats_after }, au lieu de { $seats_before }.
notice-reversal-ends = Le fournisseur a annulé la clé de produit se terminant par `{ $tail }` : *{ $subscription }* se termine maintenant le { $ends_after }, au lieu du { $ends_before }.
notice-reversal-both = Le fournisseur a annulé la clé de produit se terminant par `{ $tail }` : *{ $subscription }* a maintenant { $seats_after }, au lieu de { $seats_before }, et se termine le { $ends_after }, au lieu du { $ends_before }.
notice-reversal-released = { $count ->
    [one] La licence de { $members } a été libérée pour s'ajuster.
   *[other] Les licences de { $members } ont été libérées pour s'ajuster.
}
redemptions-reversals = Annulations (remboursements)
redemptions-line-reversal = <t:{ $at }:f> · clé de produit se terminant par `{ $tail }` annulée · *{ $subscription }* · { $change }
redemptions-reversal-seats = { $before } → { $after } licences
redemptions-reversal-ends = date de fin { $before } → { $after }
state-suspended = Suspendu
error-suspended = *{ $subscription }* est suspendu par le fournisseur. Contactez le fournisseur.
notice-suspended = *{ $subscription }* est suspendu par le fournisseur. Les licences restent attribuées, mais ne donnent plus accès jusqu'à ce que le fournisseur le reprenne.
notice-resumed = *{ $subscription }* a été repris par le fournisseur : ses licences donnent de nouveau accès.

cmd-settings-show-name = afficher
cmd-settings-show-desc = La configuration de licensebot sur ce serveur, sous forme de liste de contrôle
cmd-settings-language-name = langue
cmd-settings-language-desc = La langue des notifications, des demandes et des messages privés sur ce serveur
opt-language-name = langue
opt-language-desc = La langue
error-deleted = *{ $subscription }* a été supprimé : plus rien ne peut y être échangé. Commencez un nouvel abonnement avec /activer, vos clés de produit et un nouveau nom (un abonnement supprimé garde son nom).
receipt-no-channel = Aucun salon d’équipe n’est défini, personne d’autre n’a donc été prévenu : /paramètres notifications
settings-role-cleared = Il n’y a plus de rôle gestionnaire : seuls les membres ayant Gérer le serveur peuvent utiliser licensebot.

## La liste de contrôle de la configuration (/paramètres afficher)
settings-show-title = La configuration de licensebot sur ce serveur
language-name = Français
permission-view-channel = Voir le salon
permission-send-messages = Envoyer des messages
permission-embed-links = Intégrer des liens
check-channel-none = ⚠️ Aucun salon de notifications n’est défini : les notifications en attendent un (jusqu’à 7 jours) et personne ne les voit. Définissez-en un avec /paramètres notifications.
check-channel-ok = ✅ Les notifications sont publiées dans <#{ $channel }>.
check-channel-gone = ⚠️ Le salon de notifications <#{ $channel }> n’existe plus. Choisissez-en un autre avec /paramètres notifications.
check-channel-hidden = ⚠️ Je ne vois pas <#{ $channel }>. Donnez-moi Voir le salon dans ce salon (Modifier le salon → Permissions), ou choisissez un autre salon avec /paramètres notifications.
check-channel-missing = ⚠️ Il me manque ces autorisations dans <#{ $channel }> : { $permissions }. Donnez-les-moi dans ce salon (Modifier le salon → Permissions), ou choisissez un autre salon avec /paramètres notifications.
check-channel-unknown = ⚠️ Je n’ai pas pu vérifier <#{ $channel }> auprès de Discord ({ $reason }). Réessayez dans un instant.
check-manager-none = ✅ Pas de rôle gestionnaire : les membres ayant Gérer le serveur utilisent licensebot. Pour autoriser un autre rôle, utilisez /paramètres rôle-gestionnaire.
check-manager-shown = ✅ Les membres de <@&{ $role }> peuvent utiliser licensebot, et Discord leur montre ses commandes.
check-manager-hidden = ⚠️ Les membres de <@&{ $role }> peuvent utiliser licensebot, mais Discord leur cache ses commandes. Paramètres du serveur → Intégrations → licensebot → ajoutez <@&{ $role }>.
check-manager-gone = ⚠️ Le rôle gestionnaire n’existe plus. Choisissez-en un autre avec /paramètres rôle-gestionnaire, ou omettez le rôle pour le retirer.
check-manager-unknown = ⚠️ Je n’ai pas pu demander à Discord s’il montre les commandes de licensebot à <@&{ $role }> ({ $reason }). Si ce n’est pas le cas : Paramètres du serveur → Intégrations → licensebot → ajoutez <@&{ $role }>.
check-language-server = ✅ Les notifications, demandes et messages privés sont en { $language }, la langue de ce serveur dans Discord. Choisissez-en une autre avec /paramètres langue.
settings-language-saved = Les notifications, demandes et messages privés de ce serveur sont désormais en { $language }.
check-language-chosen = ✅ Les notifications, demandes et messages privés sont en { $language } (choisi avec /paramètres langue).
check-roles-none = ✅ Aucun rôle de licence n’est lié (/paramètres rôle-licence).
check-roles-unknown = ⚠️ Je n’ai pas pu lire les rôles de ce serveur auprès de Discord ({ $reason }), les rôles de licence ne sont donc pas vérifiés. Réessayez dans un instant.
check-role-ok = ✅ <@&{ $role }> accompagne les licences de *{ $subscription }*, et je peux le donner.
check-role-gone = ⚠️ Le rôle de licence de *{ $subscription }* n’existe plus. Liez-en un autre avec /paramètres rôle-licence.
check-role-no-manage-roles = ⚠️ Je ne peux pas donner <@&{ $role }> (*{ $subscription }*) : il me faut l’autorisation Gérer les rôles. Accordez-la à mon rôle dans Paramètres du serveur → Rôles.
check-role-not-below = ⚠️ Je ne peux pas donner <@&{ $role }> (*{ $subscription }*) : il n’est pas sous mon rôle le plus élevé. Dans Paramètres du serveur → Rôles, faites glisser mon rôle au-dessus.
check-role-powerful = ⚠️ <@&{ $role }> (*{ $subscription }*) porte { $powers }, qui donnent du pouvoir sur le serveur ; je ne le donne donc pas. Retirez-les-lui dans Paramètres du serveur → Rôles, puis liez-le de nouveau avec /paramètres rôle-licence.
check-role-unusable = ⚠️ <@&{ $role }> ne peut pas être le rôle de licence de *{ $subscription }* (c’est @everyone, le rôle d’une intégration ou le rôle gestionnaire). Liez-en un autre avec /paramètres rôle-licence.
check-ending-none = ✅ Aucun abonnement ne se termine dans les 30 jours.
check-ending = ⚠️ *{ $subscription }* se termine <t:{ $at }:R> (<t:{ $at }:D>). Prolongez-le avec /prolonger.
check-waiting-none = ✅ Aucune notification n’attend de salon.
check-waiting = ⚠️ { $count ->
    [one] 1 notification attend un salon de notifications, conservée
   *[other] { $count } notifications attendent un salon de notifications, conservées
} jusqu’au <t:{ $until }:f>. Définissez-en un avec /paramètres notifications.
