import {
  createDataRequest,
  dataRequestList,
  dataRequestParams,
  dataRequestReport,
  dataRequestReportQuery,
  dataRequestView,
  myDataRequestsQuery,
  operatorDataRequestAction,
  operatorDataRequestsQuery,
  withdrawDataRequest,
} from '../../schemas/rights.js';
import { defineRoute } from '../core/route.js';

/** Citizens and enterprises' representatives: the people whose personal data the portal holds. */
const DATA_SUBJECTS = ['citizen', 'business'] as const;
const OPERATORS = { kind: 'role', roles: ['operator'], scope: 'all' } as const;

export const rightsRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/me/data-requests',
    fn: 'rights',
    operationId: 'fileDataRequest',
    access: { kind: 'self', roles: DATA_SUBJECTS },
    summary:
      'Ask for access to, correction of, an end to the publishing of, or deletion of my personal data ' +
      '(Law 91/2025/QH15): acknowledged within 2 working days, acted on within the legal period. Access is ' +
      'answered at once with the export',
    body: createDataRequest,
    requiredHeaders: ['idempotency-key'],
    status: 201,
    response: dataRequestView,
    errors: [409, 422],
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/data-requests',
    fn: 'rights',
    operationId: 'listMyDataRequests',
    access: { kind: 'self', roles: DATA_SUBJECTS },
    summary: 'My personal-data requests with their dates and status, newest first',
    query: myDataRequestsQuery,
    status: 200,
    response: dataRequestList,
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/me/data-requests/{id}',
    fn: 'rights',
    operationId: 'getMyDataRequest',
    access: { kind: 'self', roles: DATA_SUBJECTS },
    summary: 'One of my personal-data requests, with its timeline',
    params: dataRequestParams,
    status: 200,
    response: dataRequestView,
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/data-requests/{id}/withdraw',
    fn: 'rights',
    operationId: 'withdrawMyDataRequest',
    access: { kind: 'self', roles: DATA_SUBJECTS },
    summary: 'Withdraw one of my personal-data requests while it is not yet completed or refused',
    params: dataRequestParams,
    body: withdrawDataRequest,
    status: 200,
    response: dataRequestView,
    errors: [409],
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/operator/data-requests',
    fn: 'rights',
    operationId: 'listDataRequestQueue',
    access: OPERATORS,
    summary: 'Open personal-data requests, the deadline in force soonest first, by status, kind and overdue',
    query: operatorDataRequestsQuery,
    status: 200,
    response: dataRequestList,
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/operator/data-requests/{id}/actions',
    fn: 'rights',
    operationId: 'actOnDataRequest',
    access: OPERATORS,
    summary:
      'Acknowledge, complete (doing what was asked: correct the profile, stop publishing, delete) or refuse ' +
      '(with a reason) a personal-data request; the person is notified',
    params: dataRequestParams,
    body: operatorDataRequestAction,
    status: 200,
    response: dataRequestView,
    errors: [409],
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/operator/data-requests/report',
    fn: 'rights',
    operationId: 'reportDataRequests',
    access: OPERATORS,
    summary:
      'Personal-data requests received in a month, per kind: acknowledged and completed on time or late, open, ' +
      'overdue now',
    query: dataRequestReportQuery,
    status: 200,
    response: dataRequestReport,
  }),
] as const;
