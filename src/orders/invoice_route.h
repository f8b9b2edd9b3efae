// GET /api/orders/:orderNumber/invoice/download (reference §1.28): the
// order's invoice as an A4 PDF (invoice_pdf.h), `attachment;
// filename=Wighaven_Invoice_<n>.pdf`, for a signed-in caller who owns the
// order or is an admin (super admins included; the old route let only
// `admin` read other shoppers' invoices). 401 when not signed in, 404 for
// an unknown order, 403 for someone else's. One statement; never cached.
#pragma once
#include "web/router.h"

namespace wh::orders {

void register_invoice_route(web::Router& router);

}  // namespace wh::orders
