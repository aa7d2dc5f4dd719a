# licensebot — español de España (es-ES). Términos del Centro de administración de Microsoft 365:
# clave de producto, suscripción, licencia(s), canjear, extender la fecha de finalización.
# Tratamiento: usted. Discord muestra <@user>, <#channel>, <@&role> y <t:unix:style> en la hora de cada lector.

## Comandos (nombres: minúsculas, sin espacios, 32 caracteres como máximo)
cmd-add-licenses-name = agregar-licencias
cmd-add-licenses-desc = Agregar licencias a una suscripción con claves de producto prepagadas
cmd-extend-name = extender
cmd-extend-desc = Extender la fecha de finalización de una suscripción con claves de producto prepagadas
cmd-activate-name = activar
cmd-activate-desc = Iniciar una suscripción nueva con claves de producto prepagadas
cmd-subscriptions-name = suscripciones
cmd-subscriptions-desc = Sus productos: las suscripciones de este servidor
cmd-redemptions-name = canjes
cmd-redemptions-desc = Los canjes realizados en este servidor, del más reciente al más antiguo
cmd-settings-name = ajustes
cmd-settings-desc = Los ajustes de licensebot para este servidor
cmd-settings-notices-name = avisos
cmd-settings-notices-desc = Dónde se publican los avisos de canjes y suscripciones
cmd-settings-manager-role-name = rol-gestor
cmd-settings-manager-role-desc = Un rol cuyos miembros pueden usar licensebot sin Gestionar servidor
opt-subscription-name = suscripción
opt-subscription-desc = La suscripción
opt-name-name = nombre
opt-name-desc = El nombre de la suscripción nueva, único en este servidor
opt-keys-name = claves
opt-keys-desc = Una o varias claves de producto (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), separadas por espacios o comas
opt-channel-name = canal
opt-channel-desc = El canal de los avisos
opt-role-name = rol
opt-role-desc = El rol gestor; omítalo para quitarlo

## Palabras
kind-add-licenses = Agregar licencias
kind-extend = Extender la fecha de finalización
kind-activate = Suscripción nueva
state-active = Activa
state-expired = Expirada
state-disabled = Deshabilitada
state-deleted = Eliminada
licenses = { $count ->
    [one] 1 licencia
   *[other] { $count } licencias
}
product-keys = { $count ->
    [one] 1 clave de producto
   *[other] { $count } claves de producto
}
term-months = { $count ->
    [one] 1 mes
   *[other] { $count } meses
}
term-days = { $count ->
    [one] 1 día
   *[other] { $count } días
}

## Claves rechazadas (un mensaje por causa)
refusal-character = `{ $masked }` no es una clave de producto válida: el carácter { $position } ('{ $found }') nunca se usa en las claves de producto.
refusal-length = `{ $masked }` no es una clave de producto válida: tiene { $found } caracteres, y las claves de producto tienen 25.
refusal-unknown = La clave de producto que termina en `{ $tail }` no es válida. Compruébela y vuelva a intentarlo.
refusal-redeemed = La clave de producto que termina en `{ $tail }` ya se ha usado. Escriba otra clave de producto.
refusal-revoked = La clave de producto que termina en `{ $tail }` se ha revocado.
refusal-expired = La clave de producto que termina en `{ $tail }` ha expirado.
refusal-other-product = La clave de producto que termina en `{ $tail }` es para *{ $key_product }*, no para *{ $subscription_product }*.
refusal-repeated = Ya ha escrito esta clave de producto (`{ $masked }`).
refusal-repeated-unnamed = Ya ha escrito esta clave de producto.
refusal-nothing-changed = No se ha cambiado nada.

## Pedidos rechazados
error-not-in-guild = licensebot solo funciona en servidores.
error-not-allowed = Necesita el permiso Gestionar servidor, o el rol gestor, para usar licensebot.
error-settings-not-allowed = Necesita el permiso Gestionar servidor para cambiar los ajustes de licensebot.
error-subscription-not-found = Este servidor no tiene esa suscripción. Elija una de la lista.
error-name-empty = Dé un nombre a la suscripción nueva.
error-name-too-long = El nombre de una suscripción tiene como máximo { $max } caracteres; este tiene { $found }.
error-name-control = El nombre de una suscripción no puede contener saltos de línea, caracteres de control ni caracteres invisibles o que cambien la dirección del texto, como el espacio de ancho cero (carácter { $position }).
error-name-taken = Este servidor ya tiene una suscripción llamada *{ $subscription }*. Elija otro nombre, o agréguele licencias con /agregar-licencias o extiéndala con /extender.
error-name-taken-deleted = *{ $subscription }* es el nombre de una suscripción eliminada de este servidor, y un nombre sigue ocupado después de eliminarse su suscripción. Elija otro nombre.
error-no-keys = Escriba al menos una clave de producto.
error-too-many-keys = Un pedido puede contener como máximo { $max } claves de producto; con estas serían { $entered }.
error-seat-cap = Con esto *{ $subscription }* tendría { $would_have } licencias; *{ $product }* permite como máximo { $max }.
error-wrong-state-add = *{ $subscription }* está en estado { $state }: solo se pueden agregar licencias a una suscripción activa. Use primero /extender.
error-wrong-state-extend = *{ $subscription }* se ha eliminado; ya no se puede extender.
error-less-than-a-day = Estas claves de producto extenderían *{ $subscription }* menos de un día.
error-out-of-range = Estas claves de producto llevarían las fechas más allá del calendario.
error-locked-out = Se han rechazado demasiadas claves de producto. Podrá volver a escribir claves de producto <t:{ $until }:R>.
error-order-not-found = Este pedido no existe en este servidor. Vuelva a empezar con /agregar-licencias, /extender o /activar.
error-not-your-order = Este pedido pertenece a otra persona.
error-order-expired = Este pedido ha expirado. No se ha canjeado nada; vuelva a empezar con /agregar-licencias, /extender o /activar.
error-order-cancelled = Este pedido se ha cancelado. No se ha canjeado nada.
error-order-redeemed = <@{ $user }> ya canjeó este pedido el <t:{ $at }:f>.
error-key-taken = <@{ $user }> ya canjeó la clave de producto que termina en `{ $tail }` el <t:{ $at }:f>. No se ha canjeado nada: cancele este pedido y vuelva a empezar sin esa clave.
error-stale-button = Este botón ya no es válido.
busy = licensebot está ocupado; vuelva a intentarlo en un momento. No se ha cambiado nada.
error-internal = Algo ha salido mal y no se ha cambiado nada. Vuelva a intentarlo. (id. de error { $id })
error-undecodable = No he podido leer esto; no se ha cambiado nada.

## Revisión
review-title-add = Revise su pedido: agregar licencias
review-title-extend = Revise su pedido: extender la fecha de finalización
review-title-activate = Revise su pedido: suscripción nueva
review-subscription = Suscripción
review-keys = Claves de producto
review-key-line = `{ $masked }` · { $licenses } · { $term }
review-licenses = Licencias
review-end-date = Fecha de finalización
review-unchanged = { $value } (sin cambios)
review-change = { $before } → { $after }
review-new-subscription = Suscripción nueva *{ $subscription }* · { $product } · { $licenses } · finaliza el { $ends_on }
review-ends-from-today = { $ends_on } ({ $term } a partir de hoy, { $today })
review-seat-time = Tiempo por licencia
review-seat-time-part = { $seats } × { $days } días
review-seat-time-sum = { $parts } = { $seat_days } días-licencia ÷ { $seats } licencias = { $days } días (redondeado a la baja)
review-base-today = *{ $subscription }* está deshabilitada, por lo que la extensión cuenta a partir de hoy, { $today }.
review-coterm = Estas licencias finalizan con la suscripción el { $ends_on }; use /extender para extenderla.
review-expires = Este pedido expira <t:{ $at }:R>.
button-redeem = Canjear
button-add-key = Agregar otra clave de producto
button-cancel = Cancelar
modal-title = Agregar otra clave de producto
modal-keys-label = Claves de producto
modal-keys-placeholder = XXXXX-XXXXX-XXXXX-XXXXX-XXXXX

## Después del pedido
receipt-title = Canjeado
receipt-body = Canje realizado en *{ $subscription }*: { $keys }.
receipt-body-activate = Canje realizado: { $keys }. *{ $subscription }* ha comenzado.
receipt-order-closed = Pedido cerrado.
cancelled = Pedido cancelado. No se ha canjeado nada.
expired-review = Este pedido ha expirado. No se ha canjeado nada; vuelva a empezar con /agregar-licencias, /extender o /activar.

## Listas
subscriptions-title = Sus productos
subscriptions-empty = Este servidor aún no tiene suscripciones. Inicie una con /activar y sus claves de producto.
subscriptions-line = { $product } · { $assigned } · finaliza el { $ends_on } · **{ $state }**
redemptions-title = Canjes
redemptions-title-for = Canjes: { $subscription }
redemptions-empty = Aún no hay canjes.
redemptions-line-add = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · { $before } → { $after } licencias · { $keys }
redemptions-line-extend = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · fecha de finalización { $before } → { $after } · { $keys }
redemptions-line-activate = <t:{ $at }:f> · <@{ $user }> · *{ $subscription }* · iniciada: { $licenses } hasta el { $ends_on } · { $keys }
redemptions-page = Página { $page } de { $pages }
button-newer = Más recientes
button-older = Más antiguos

## Ajustes
settings-notices-saved = Los avisos se publicarán en <#{ $channel }>.
settings-notices-failed = No puedo publicar en <#{ $channel }> ({ $reason }). Concédame Enviar mensajes e Insertar enlaces en ese canal, o elija otro canal. No se ha cambiado nada.
settings-notices-other-server = <#{ $channel }> no es un canal de este servidor. Elija uno de los canales de este servidor. No se ha cambiado nada.
settings-notices-hello = licensebot publicará en este canal los avisos de canjes y suscripciones.
settings-role-saved = Los miembros de <@&{ $role }> ya pueden usar licensebot. Discord solo les muestra sus comandos cuando el rol se añade a licensebot: Ajustes del servidor → Integraciones → licensebot → añada <@&{ $role }>. /ajustes mostrar indica si ya está hecho.

## Avisos (en el idioma del servidor; nunca una clave de producto)
notice-redemption-add = <@{ $user }> ha agregado { $added } a *{ $subscription }*: { $before } → { $after } licencias ({ $keys }).
notice-redemption-extend = <@{ $user }> ha extendido *{ $subscription }*: fecha de finalización { $before } → { $after } ({ $keys }).
notice-redemption-activate = <@{ $user }> ha iniciado *{ $subscription }* ({ $product }): { $licenses } hasta el { $ends_on }, { $keys }.
notice-reminder = *{ $subscription }* finaliza el { $ends_on }, { $days ->
    [0] hoy
    [one] dentro de 1 día
   *[other] dentro de { $days } días
}. Extiéndala con /extender.
notice-state-expired = *{ $subscription }* expiró el { $ends_on }. Los usuarios conservan el acceso por ahora; extiéndala con /extender.
notice-state-disabled = *{ $subscription }* está ahora deshabilitada. Extiéndala con /extender para restaurarla.
notice-state-deleted = *{ $subscription }* se ha eliminado.
notice-lockout = <@{ $user }> ha escrito demasiadas claves de producto no válidas; su entrada de claves está bloqueada hasta las <t:{ $until }:t>.

## Licencias asignadas a miembros
cmd-licenses-name = licencias
cmd-licenses-desc = Asignar las licencias de este servidor a miembros, quitarlas y ver quién las tiene
cmd-licenses-assign-name = asignar
cmd-licenses-assign-desc = Asignar a un miembro una licencia de una suscripción
cmd-licenses-unassign-name = quitar
cmd-licenses-unassign-desc = Quitar a un miembro su licencia de una suscripción
cmd-licenses-list-name = lista
cmd-licenses-list-desc = Quién tiene las licencias de una suscripción
cmd-my-licenses-name = mis-licencias
cmd-my-licenses-desc = Las licencias que tiene en este servidor
cmd-request-license-name = solicitar-licencia
cmd-request-license-desc = Solicitar a los administradores de este servidor una licencia de una suscripción
cmd-settings-license-role-name = rol-licencia
cmd-settings-license-role-desc = Un rol que llevan los miembros con una licencia de una suscripción
opt-user-name = miembro
opt-user-desc = El miembro
opt-license-role-desc = El rol; omítalo para desvincular el rol de la suscripción
assigned-of = { $assigned } de { $seats } asignadas
license-assigned = <@{ $user }> tiene ahora una licencia de *{ $subscription }*: { $count }.
license-unassigned = <@{ $user }> ya no tiene una licencia de *{ $subscription }*: { $count }.
licenses-title = Licencias: { $subscription }
licenses-empty = Nadie tiene aún una licencia de *{ $subscription }*. Asigne una con /licencias asignar.
licenses-line = <@{ $user }> · desde el <t:{ $at }:d> · por <@{ $by }>
licenses-line-requested = <@{ $user }> · desde el <t:{ $at }:d> · aprobada por <@{ $by }> a petición
licenses-line-operator = <@{ $user }> · desde el <t:{ $at }:d> · desde la línea de comandos
licenses-role = Rol de licencia: <@&{ $role }>
licenses-page = Página { $page } de { $pages }
my-licenses-title = Sus licencias
my-licenses-empty = No tiene licencias en este servidor. Solicite una con /solicitar-licencia.
my-licenses-line = { $product } · finaliza el { $ends_on } · **{ $state }**

## Cambios de licencias rechazados (un mensaje por causa; no se ha cambiado nada)
license-refused-bot = <@{ $user }> es un bot, y los bots no tienen licencias.
license-refused-not-member = <@{ $user }> no es miembro de este servidor.
license-refused-disabled = *{ $subscription }* está deshabilitada: no se pueden asignar licencias hasta que se extienda con /extender.
license-refused-deleted = *{ $subscription }* se ha eliminado: sus licencias han finalizado.
license-refused-already = <@{ $user }> ya tiene una licencia de *{ $subscription }*.
license-refused-full = { $seats ->
    [one] La única licencia de *{ $subscription }* está asignada.
   *[other] Las { $seats } licencias de *{ $subscription }* están asignadas.
} Agregue licencias con /agregar-licencias o quite una a alguien.
license-refused-not-assigned = <@{ $user }> no tiene ninguna licencia de *{ $subscription }*. No se ha cambiado nada.
request-refused-open = Ya solicitó una licencia de *{ $subscription }* <t:{ $since }:R>; los administradores decidirán.
request-refused-cooldown-denied = Su última solicitud para *{ $subscription }* se denegó. Podrá volver a solicitarla <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-cooldown-expired = Su última solicitud para *{ $subscription }* expiró sin una decisión. Podrá volver a solicitarla <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-too-many = Ya tiene { $open } solicitudes abiertas en este servidor, el máximo que puede tener un miembro. Podrá volver a solicitar cuando los administradores decidan sobre una de ellas, o cuando la primera expire <t:{ $until }:R> (<t:{ $until }:f>).
request-refused-approved = <@{ $user }> ya aprobó esta solicitud el <t:{ $at }:f>.
request-refused-denied = <@{ $user }> ya denegó esta solicitud el <t:{ $at }:f>.
request-refused-expired = Esta solicitud expiró <t:{ $at }:R>. El miembro puede volver a solicitarla con /solicitar-licencia.
request-refused-not-found = Esta solicitud no existe en este servidor.
request-refused-no-channel = Este servidor aún no tiene un canal de avisos para las solicitudes. Pida a un administrador que configure uno con /ajustes avisos.
request-refused-not-allowed = Solo los administradores (Gestionar servidor, o el rol gestor) pueden decidir sobre las solicitudes. No se ha cambiado nada.
role-refused-everyone = @everyone no puede ser un rol de licencia: todos los miembros lo tienen. Elija otro rol.
role-refused-managed = <@&{ $role }> lo gestiona un bot o una integración, así que licensebot no puede dárselo a los miembros. Elija otro rol.
role-refused-no-manage-roles = Necesito el permiso Gestionar roles para dar <@&{ $role }> a los miembros. Concédaselo a mi rol y vuelva a intentarlo. No se ha cambiado nada.
role-refused-not-below = <@&{ $role }> no está por debajo de mi rol más alto, así que Discord no me deja darlo. En Ajustes del servidor → Roles, arrastre mi rol por encima de él y vuelva a intentarlo. No se ha cambiado nada.
role-refused-manager = <@&{ $role }> es el rol gestor de este servidor: sus miembros pueden usar los comandos de administración de licensebot, así que no se puede dar con una licencia. Elija otro rol. No se ha cambiado nada.
role-refused-powerful = <@&{ $role }> tiene { $powers }, que dan poder sobre el servidor. Un rol de licencia da acceso, nunca poder: elija un rol sin esos permisos, o quíteselos a este en Ajustes del servidor → Roles. No se ha cambiado nada.
power-administrator = Administrador
power-manage-server = Gestionar servidor
power-manage-roles = Gestionar roles
power-manage-channels = Gestionar canales
power-manage-webhooks = Gestionar webhooks
power-manage-messages = Gestionar mensajes
power-kick-members = Expulsar miembros
power-ban-members = Banear miembros
power-moderate-members = Aislar temporalmente a miembros
power-mention-everyone = Mencionar @everyone, @here y todos los roles
role-check-failed = No he podido leer los roles de este servidor en Discord ({ $reason }). No se ha cambiado nada; vuelva a intentarlo.

## Roles de licencia y solicitudes
settings-license-role-saved = Los miembros con una licencia de *{ $subscription }* llevarán <@&{ $role }> mientras esté activa o expirada.
settings-license-role-removed = *{ $subscription }* ya no tiene rol de licencia; estoy quitando <@&{ $role }> a quienes tienen sus licencias.
settings-license-role-none = *{ $subscription }* no tiene rol de licencia. No se ha cambiado nada.
request-posted = Su solicitud de una licencia de *{ $subscription }* se ha enviado a los administradores. Si tiene abiertos los mensajes directos, le avisaré cuando decidan.
button-approve = Aprobar
button-deny = Denegar
request-approved-line = ✅ Aprobada por <@{ $by }> el <t:{ $at }:f>.
request-denied-line = ❌ Denegada por <@{ $by }> el <t:{ $at }:f>.
request-expired-line = ⌛ Expirada el <t:{ $at }:f>: nadie decidió en 7 días.
request-approved-reply = Aprobada: <@{ $user }> tiene ahora una licencia de *{ $subscription }* ({ $count }).
request-denied-reply = Denegada: <@{ $user }> no recibe ninguna licencia de *{ $subscription }*.
notice-license-request = <@{ $user }> solicita una licencia de *{ $subscription }* ({ $product }).
notice-licenses-full = Se acaba de asignar la última licencia libre de *{ $subscription }*: { $seats ->
    [one] su única licencia está en uso.
   *[other] las { $seats } están en uso.
} Agregue licencias con /agregar-licencias.
notice-member-gone = <@{ $user }> ya no está en este servidor; { $count ->
    [one] se ha liberado su licencia de { $subscriptions }.
   *[other] se han liberado sus licencias de { $subscriptions }.
}
notice-role-refused = Discord no me ha permitido cambiar <@&{ $role }> ({ $error }). He dejado de cambiarlo: concédame Gestionar roles y ponga mi rol por encima de él, y vuelva a vincularlo con /ajustes rol-licencia.
notice-role-halted-powerful = <@&{ $role }> tiene ahora { $powers }, que dan poder sobre el servidor, así que he dejado de darlo con las licencias: un rol de licencia da acceso, nunca poder. Quítele esos permisos y vuelva a vincularlo con /ajustes rol-licencia.
notice-role-halted-manager = <@&{ $role }> es ahora el rol gestor de este servidor, así que he dejado de darlo con las licencias. Elija otro rol gestor u otro rol de licencia, y vuelva a vincularlo con /ajustes rol-licencia.
dm-request-approved = <@{ $by }> ha aprobado su solicitud de una licencia de *{ $subscription }*.
dm-request-denied = <@{ $by }> ha denegado su solicitud de una licencia de *{ $subscription }*.

## Recuperar lo vendido (src/discord/render_refunds.rs)
notice-reversal-seats = El proveedor ha revertido la clave de producto que termina en `{ $tail }`: *{ $subscription }* tiene ahora { $seats_after }, antes { $seats_before }.
notice-reversal-ends = El proveedor ha revertido la clave de producto que termina en `{ $tail }`: *{ $subscription }* termina ahora el { $ends_after }, antes el { $ends_before }.
notice-reversal-both = El proveedor ha revertido la clave de producto que termina en `{ $tail }`: *{ $subscription }* tiene ahora { $seats_after }, antes { $seats_before }, y termina el { $ends_after }, antes el { $ends_before }.
notice-reversal-released = { $count ->
    [one] Se ha liberado la licencia de { $members } para ajustarse.
   *[other] Se han liberado las licencias de { $members } para ajustarse.
}
redemptions-reversals = Reversiones (reembolsos)
redemptions-line-reversal = <t:{ $at }:f> · clave de producto que termina en `{ $tail }` revertida · *{ $subscription }* · { $change }
redemptions-reversal-seats = { $before } → { $after } licencias
redemptions-reversal-ends = fecha de finalización { $before } → { $after }
state-suspended = Suspendida
error-suspended = El proveedor ha suspendido *{ $subscription }*. Póngase en contacto con el proveedor.
notice-suspended = El proveedor ha suspendido *{ $subscription }*. Las licencias siguen asignadas, pero no dan acceso hasta que el proveedor la reanude.
notice-resumed = El proveedor ha reanudado *{ $subscription }*: sus licencias vuelven a dar acceso.

cmd-settings-show-name = mostrar
cmd-settings-show-desc = La configuración de licensebot en este servidor, como lista de comprobación
cmd-settings-language-name = idioma
cmd-settings-language-desc = El idioma de los avisos, las solicitudes y los mensajes directos en este servidor
opt-language-name = idioma
opt-language-desc = El idioma
error-deleted = *{ $subscription }* se ha eliminado: ya no se puede canjear nada en ella. Empiece una suscripción nueva con /activar, sus claves de producto y un nombre nuevo (una suscripción eliminada conserva su nombre).
receipt-no-channel = No hay ningún canal del equipo configurado, así que no se ha avisado a nadie más: /ajustes avisos
settings-role-cleared = Ya no hay rol gestor: solo los miembros con Gestionar servidor pueden usar licensebot.

## La lista de comprobación de la configuración (/ajustes mostrar)
settings-show-title = La configuración de licensebot en este servidor
language-name = Español (España)
permission-view-channel = Ver canal
permission-send-messages = Enviar mensajes
permission-embed-links = Insertar enlaces
check-channel-none = ⚠️ No hay ningún canal de avisos configurado: los avisos esperan uno (hasta 7 días) y nadie los ve. Configure uno con /ajustes avisos.
check-channel-ok = ✅ Los avisos se publican en <#{ $channel }>.
check-channel-gone = ⚠️ El canal de avisos <#{ $channel }> ya no existe. Elija otro con /ajustes avisos.
check-channel-hidden = ⚠️ No puedo ver <#{ $channel }>. Concédame Ver canal en ese canal (Editar canal → Permisos), o elija otro canal con /ajustes avisos.
check-channel-missing = ⚠️ Me faltan estos permisos en <#{ $channel }>: { $permissions }. Concédamelos en ese canal (Editar canal → Permisos), o elija otro canal con /ajustes avisos.
check-channel-unknown = ⚠️ No he podido comprobar <#{ $channel }> con Discord ({ $reason }). Vuelva a intentarlo en un momento.
check-manager-none = ✅ No hay rol gestor: los miembros con Gestionar servidor usan licensebot. Para permitir otro rol, use /ajustes rol-gestor.
check-manager-shown = ✅ Los miembros de <@&{ $role }> pueden usar licensebot, y Discord les muestra sus comandos.
check-manager-hidden = ⚠️ Los miembros de <@&{ $role }> pueden usar licensebot, pero Discord les oculta sus comandos. Ajustes del servidor → Integraciones → licensebot → añada <@&{ $role }>.
check-manager-gone = ⚠️ El rol gestor ya no existe. Elija otro con /ajustes rol-gestor, u omita el rol para quitarlo.
check-manager-unknown = ⚠️ No he podido preguntar a Discord si muestra los comandos de licensebot a <@&{ $role }> ({ $reason }). Si no lo hace: Ajustes del servidor → Integraciones → licensebot → añada <@&{ $role }>.
check-language-server = ✅ Los avisos, las solicitudes y los mensajes directos están en { $language }, el idioma de este servidor en Discord. Elija otro con /ajustes idioma.
settings-language-saved = A partir de ahora, los avisos, las solicitudes y los mensajes directos de este servidor están en { $language }.
check-language-chosen = ✅ Los avisos, las solicitudes y los mensajes directos están en { $language } (elegido con /ajustes idioma).
check-roles-none = ✅ No hay roles de licencia vinculados (/ajustes rol-licencia).
check-roles-unknown = ⚠️ No he podido leer los roles de este servidor en Discord ({ $reason }), así que no se han comprobado los roles de licencia. Vuelva a intentarlo en un momento.
check-role-ok = ✅ <@&{ $role }> va con las licencias de *{ $subscription }*, y puedo darlo.
check-role-gone = ⚠️ El rol de licencia de *{ $subscription }* ya no existe. Vincule otro con /ajustes rol-licencia.
check-role-no-manage-roles = ⚠️ No puedo dar <@&{ $role }> (*{ $subscription }*): necesito Gestionar roles. Concédaselo a mi rol en Ajustes del servidor → Roles.
check-role-not-below = ⚠️ No puedo dar <@&{ $role }> (*{ $subscription }*): no está por debajo de mi rol más alto. En Ajustes del servidor → Roles, arrastre mi rol por encima de él.
check-role-powerful = ⚠️ <@&{ $role }> (*{ $subscription }*) tiene { $powers }, que dan poder sobre el servidor, así que no lo doy. Quíteselos en Ajustes del servidor → Roles y vuelva a vincularlo con /ajustes rol-licencia.
check-role-unusable = ⚠️ <@&{ $role }> no puede ser el rol de licencia de *{ $subscription }* (es @everyone, el rol de una integración o el rol gestor). Vincule otro con /ajustes rol-licencia.
check-ending-none = ✅ Ninguna suscripción termina en los próximos 30 días.
check-ending = ⚠️ *{ $subscription }* termina <t:{ $at }:R> (<t:{ $at }:D>). Extiéndala con /extender.
check-waiting-none = ✅ No hay avisos esperando un canal.
check-waiting = ⚠️ { $count ->
    [one] 1 aviso espera un canal de avisos, guardado
   *[other] { $count } avisos esperan un canal de avisos, guardados
} hasta el <t:{ $until }:f>. Configure uno con /ajustes avisos.
